import Foundation
import Testing
import TestSupport

/// `ggufkit plan`'s JSON, its Ollama Modelfile and its option checks, on stories260K.
@Suite("plan command", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct PlanCommandTests {
    @Test("--json gives the figures in bytes; --modelfile writes FROM, num_gpu and num_ctx")
    func jsonAndModelfile() throws {
        guard let model = References.stories260K() else { return }
        let directory = try TemporaryDirectory()
        let gguf = directory.file("stories.gguf")
        let made = try CLI.run(["convert", model, "-o", gguf, "-q"])
        try #require(made.status == 0, "\(made.stderr)")

        let modelfile = directory.file("Modelfile")
        let run = try CLI.run(["plan", gguf, "--ctx", "300", "--vram", "1G", "--json", "--modelfile", modelfile])
        try #require(run.status == 0, "\(run.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])
        let kv = try #require(plan["kv_cache"] as? [String: Any])
        // 5 layers × (K 32 + V 32 values) × 2 bytes per token, 300 tokens padded to 512 cells.
        #expect(kv["bytes_per_token"] as? Int == 640 && kv["cells"] as? Int == 512 && kv["bytes"] as? Int == 327_680)
        let fit = try #require(plan["fit"] as? [String: Any])
        #expect(fit["gpu_layers"] as? Int == 6)
        #expect(try String(contentsOfFile: modelfile, encoding: .utf8)
            == "FROM \(gguf)\nPARAMETER num_gpu 6\nPARAMETER num_ctx 300\n")

        let text = try CLI.run(["plan", gguf, "--ctx", "300"])
        #expect(text.status == 0 && text.stdout.contains("context 300 -> 512 cells (llama.cpp pads to 256) x 640 = 327680 bytes = 0.31 MiB"))
        #expect(try CLI.run(["plan", gguf, "--modelfile", modelfile]).status == 64)
        #expect(try CLI.run(["plan", gguf, "--vram", "lots"]).status == 64)
        #expect(try CLI.run(["plan", gguf, "--cache-type", "q5_1"]).status == 64)
    }
}
