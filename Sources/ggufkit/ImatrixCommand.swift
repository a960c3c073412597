import ArgumentParser
import Conversion
import Foundation
import ImportanceMatrix
import Passes

struct ImatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imatrix",
        abstract: "Compute an importance matrix from calibration text (llama-imatrix's GGUF format).",
        discussion: """
            With -f, the text is split as llama-imatrix splits it (tokenized once with BOS, consecutive chunks of \
            -c tokens, each starting with BOS), so the same model file and text give the same values. Without -f, \
            chunks are drawn from the built-in calibration corpus (English prose, source code, mathematics and \
            Chinese), spread over every file.
            """
    )

    @Argument(help: "A GGUF file or a Hugging Face model folder.")
    var model: String

    @Option(name: .shortAndLong, help: "Calibration text (.txt or .jsonl, or a folder of them). Default: the built-in corpus.")
    var file: String?

    @Option(name: .shortAndLong, help: "Output imatrix path (GGUF).")
    var output: String = "imatrix.gguf"

    @Option(name: [.customShort("c"), .long], help: "Context length (tokens per chunk).")
    var context = 512

    @Option(name: .long, help: "Use at most this many chunks (default: all of a -f text file, or 100 from a corpus).")
    var chunks: Int?

    @Flag(name: .long, help: "Also collect the output head's input (llama-imatrix --process-output).")
    var processOutput = false

    @Flag(name: .long, help: "Overwrite the output if it exists.")
    var force = false

    @OptionGroup var gpu: CalibrationGPUOption
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard context >= 16, context <= 1 << 20 else { throw ValidationError("-c must be in 16...1048576") }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be positive") }
    }

    func run() throws {
        let outputPath = URL(fileURLWithPath: output).standardizedFileURL.path
        if !force, FileManager.default.fileExists(atPath: outputPath) {
            throw ConversionError.outputExists(path: outputPath)
        }
        var options = ConversionOptions(modelDirectory: model, outputPath: outputPath)
        options.log = common.logger
        let view = try ModelPipeline.view(of: try ModelSource.open(model), options: options)
        let request = CalibrationRequest(corpusPath: file, chunkCount: chunks ?? (file == nil ? 100 : Int.max),
                                         contextLength: context)
        var builder = ImportanceMatrixBuilder(request: request, threads: common.threads, log: common.logger)
        builder.includeOutput = processOutput
        builder.gpuLayers = gpu.requestedLayers
        builder.gpuDevice = gpu.device
        let start = Date()
        let matrix = try builder.build(for: view)
        try matrix.write(to: outputPath)
        if !common.quiet {
            print(String(format: "wrote %@: %d entries, %d chunks of %d tokens, %.1f s", outputPath,
                         matrix.entries.count, matrix.chunkCount, matrix.chunkSize, Date().timeIntervalSince(start)))
        }
    }
}
