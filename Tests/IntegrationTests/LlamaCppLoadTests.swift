import Conversion
import Foundation
import Testing
import TestSupport

/// llama.cpp itself loads and scores our output. Needs llama.cpp's tools
/// (`../shared/scripts/build-llamacpp-reference.sh`); found through `GGUFKIT_LLAMA_CPP_BIN` or that
/// script's default folder, and skipped with a message otherwise.
@Suite("llama.cpp loads converted files")
struct LlamaCppLoadTests {
    static var binFolder: String? {
        let folder = ProcessInfo.processInfo.environment["GGUFKIT_LLAMA_CPP_BIN"]
            ?? TestAssets.fixtures + "/llama.cpp/build/bin"
        return FileManager.default.isExecutableFile(atPath: folder + "/llama-perplexity") ? folder : nil
    }

    @Test("llama-perplexity scores stories260K converted to F16 and Q8_0", arguments: [FileType.f16, .q8_0])
    func scores(type: FileType) throws {
        guard let bin = Self.binFolder, let model = TestAssets.stories260K, let shared = TestAssets.shared else {
            print("skipping: llama.cpp tools or ../shared not available (set GGUFKIT_LLAMA_CPP_BIN)")
            return
        }
        let dir = try TemporaryDirectory()
        let output = dir.file("stories-\(type.rawValue).gguf")
        var options = ConversionOptions(modelDirectory: model, outputPath: output)
        options.fileType = type
        _ = try Converter.convert(options)
        let text = shared + "/text/tinystories/valid-sample.txt"
        // llama.cpp logs from a background thread and can lose its last lines when the machine is
        // busy; a run without the final line is tried again rather than misread.
        var value: Double?
        for _ in 0 ..< 3 where value == nil {
            let result = try ChildProcess.run(bin + "/llama-perplexity", ["-m", output, "-f", text,
                                                                          "-c", "128", "--chunks", "4", "-t", "2"])
            #expect(result.status == 0, "llama-perplexity failed:\n\(result.output.suffix(2000))")
            let line = result.output.split(separator: "\n").first { $0.contains("Final estimate: PPL = ") }
            value = line.flatMap { Double($0.components(separatedBy: "PPL = ").last?.split(separator: " ").first ?? "") }
        }
        let ppl = try #require(value, "no perplexity in llama-perplexity's output")
        // stories260K is a real, trained model: in-domain text scores far below its 512-token vocabulary.
        #expect(ppl > 1 && ppl < 20)
    }
}
