import Conversion
import Foundation
import Testing
import TestSupport

/// llama.cpp itself loads and scores our output, and its perplexity equals ours on the same file.
/// Needs llama.cpp's tools (`../shared/scripts/build-llamacpp-reference.sh`), found through
/// `GGUFKIT_LLAMA_CPP_BIN` or that script's default folder, and the ggufkit executable.
@Suite("llama.cpp loads converted files",
       .enabled(if: LlamaCppTools.tool("llama-perplexity") != nil, LlamaCppTools.skipReason),
       .enabled(if: CLI.binary != nil, CLI.skipReason))
struct LlamaCppLoadTests {
    @Test("llama-perplexity scores stories260K converted to F16, Q8_0 and Q4_K_M as ggufkit does",
          arguments: [FileType.f16, .q8_0, .q4_k_m])
    func scores(type: FileType) throws {
        guard let tool = LlamaCppTools.tool("llama-perplexity"), let model = References.stories260K(),
              let shared = References.locate(TestAssets.shared, "../shared") else { return }
        let dir = try TemporaryDirectory()
        let output = dir.file("stories-\(type.rawValue).gguf")
        var options = ConversionOptions(modelDirectory: model, outputPath: output)
        options.fileType = type
        _ = try Converter.convert(options)
        let text = shared + "/text/tinystories/valid-sample.txt"
        // llama.cpp logs from a background thread and can lose its last lines when the machine is
        // busy; a run without the final line is tried again rather than misread.
        var value: Double?
        for _ in 0 ..< 5 where value == nil {
            // Exact attention (no flash attention, F32 KV cache), as ggufkit computes it: llama.cpp's
            // default flash attention accumulates values in F16, which alone moves this tiny model's
            // Q8_0 perplexity by 0.5% (3.8504 against 3.8263 here).
            let result = try ChildProcess.run(tool, ["-m", output, "-f", text, "-c", "128", "--chunks", "4", "-t", "2",
                                                     "-fa", "off", "-ctk", "f32", "-ctv", "f32"])
            #expect(result.status == 0, "llama-perplexity failed:\n\(result.output.suffix(2000))")
            let line = result.output.split(separator: "\n").first { $0.contains("Final estimate: PPL = ") }
            value = line.flatMap { Double($0.components(separatedBy: "PPL = ").last?.split(separator: " ").first ?? "") }
        }
        let ppl = try #require(value, "no perplexity in llama-perplexity's output")
        // stories260K is a real, trained model: in-domain text scores far below its 512-token vocabulary.
        #expect(ppl > 1 && ppl < 20)
        let ours = try CLI.run(["perplexity", output, "-f", text, "-c", "128", "--chunks", "4", "-t", "2", "--json", "-q"])
        try #require(ours.status == 0, "\(ours.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: ours.stdoutData) as? [String: Any])
        let ourValue = try #require(document["perplexity"] as? Double)
        // llama-perplexity prints four decimals.
        #expect(abs(ourValue - ppl) <= 0.003 * ppl + 0.0001, "ggufkit \(ourValue), llama-perplexity \(ppl)")
    }
}
