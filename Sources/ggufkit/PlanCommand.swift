import ArgumentParser
import FileSupport
import Foundation
import GGUF
import MemoryPlan

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Work out the memory a GGUF model needs in llama.cpp/Ollama: weights per layer, KV cache, "
            + "compute buffers, and how many layers (-ngl, num_gpu) or how much context fit a GPU."
    )

    @Argument(help: "A GGUF file (the first part, for a split model).")
    var model: String

    @Option(name: .long, help: "GPU memory, e.g. 8G (binary units: G = GiB).")
    var vram: String?

    @Option(name: .long, help: "Host memory, e.g. 32G.")
    var ram: String?

    @Option(name: .long, help: "Context length (default: the longest that fits every layer on the GPU with --vram, else the training context).")
    var ctx: Int?

    @Option(name: .long, help: "KV cache type: f16, q8_0 or q4_0 (llama.cpp's -ctk/-ctv, Ollama's OLLAMA_KV_CACHE_TYPE).")
    var cacheType: String = "f16"

    @Option(name: .long, help: "Write an Ollama Modelfile (FROM, PARAMETER num_gpu, PARAMETER num_ctx) for the plan; needs --vram.")
    var modelfile: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard KVCacheType(rawValue: cacheType.lowercased()) != nil else {
            throw ValidationError("--cache-type must be f16, q8_0 or q4_0")
        }
        if let ctx, ctx < 1 || ctx > 1 << 24 { throw ValidationError("--ctx must be in 1...16777216") }
        for (option, text) in [("--vram", vram), ("--ram", ram)] {
            if let text, ByteSize.parse(text) == nil { throw ValidationError(MemoryPlanError.invalidSize(option: option, text: text).description) }
        }
        if modelfile != nil, vram == nil { throw ValidationError("--modelfile needs --vram to choose num_gpu") }
    }

    func run() throws {
        let file = try GGUFFile(path: model)
        let memory = try ModelMemory(file: file)
        let type = KVCacheType(rawValue: cacheType.lowercased())!
        let plan = MemoryPlanner.plan(memory, context: ctx, cacheType: type, vram: vram.flatMap(ByteSize.parse),
                                      ram: ram.flatMap(ByteSize.parse))
        if !plan.kv.isValid(for: memory) {
            throw MemoryPlanError.unsupportedModel(path: model, reason: "its K/V rows are not whole \(type.rawValue) blocks; "
                + "llama.cpp cannot use that cache type for it")
        }
        print(json ? PlanReport.json(plan) : PlanReport.text(plan))
        if let modelfile, let layers = plan.gpuLayers {
            let text = "FROM \(URL(fileURLWithPath: model).standardizedFileURL.path)\n"
                + "PARAMETER num_gpu \(layers)\nPARAMETER num_ctx \(plan.kv.context)\n"
            let output = try AtomicOutputFile(path: URL(fileURLWithPath: modelfile).standardizedFileURL.path)
            try output.write(Array(text.utf8))
            try output.commit()
        }
    }
}
