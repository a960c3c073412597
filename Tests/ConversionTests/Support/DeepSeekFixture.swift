import Conversion
import Foundation
import Testing
import TestSupport

/// A tiny Qwen2-shaped checkpoint (random weights) carrying the real DeepSeek V3 tokenizer,
/// made by `../shared/scripts/make-synthetic-llama.py` and converted to a GGUF: what llama.cpp
/// needs to load the tokenizer. `nil` (after saying why) when the script, the tokenizer
/// or numpy is missing.
enum DeepSeekFixture {
    static func gguf(in folder: TemporaryDirectory) throws -> String? {
        guard let checkpoint = try checkpoint(in: folder) else { return nil }
        let output = folder.file("deepseek-synthetic.gguf")
        let log = LogLines()
        var options = ConversionOptions(modelDirectory: checkpoint, outputPath: output)
        options.log = { log.append($0) }
        _ = try Converter.convert(options)
        // The conversion both names the pre-tokenizer and reproduces llama.cpp's probe digest for it.
        #expect(log.contains("pre-tokenizer \"deepseek-v3\""))
        #expect(log.contains("the probe text gives llama.cpp's converter digest for \"deepseek-v3\""))
        return output
    }

    /// The same vocabulary written with another `tokenizer.ggml.pre`, so llama.cpp splits it
    /// the way that pre-tokenizer does.
    static func gguf(in folder: TemporaryDirectory, pre: String) throws -> String? {
        guard let checkpoint = try checkpoint(in: folder) else { return nil }
        let output = folder.file("deepseek-synthetic-\(pre).gguf")
        var options = ConversionOptions(modelDirectory: checkpoint, outputPath: output)
        options.preTokenizerOverride = pre
        _ = try Converter.convert(options)
        return output
    }

    /// The Hugging Face checkpoint, made once per folder.
    static func checkpoint(in folder: TemporaryDirectory) throws -> String? {
        let checkpoint = folder.file("deepseek-synthetic")
        if FileManager.default.fileExists(atPath: checkpoint + "/config.json") { return checkpoint }
        guard let script = References.locate(TestAssets.shared("scripts/make-synthetic-llama.py"),
                                             "../shared/scripts/make-synthetic-llama.py (set GGUFKIT_SHARED)"),
              let tokenizer = References.locate(TestAssets.shared("tokenizers/deepseek-v3"),
                                                "../shared/tokenizers/deepseek-v3 (set GGUFKIT_SHARED)"),
              let python = References.locate(Python.withNumpy, "python3 with numpy")
        else { return nil }
        let made = try Python.run(python, file: script, arguments: [
            checkpoint, "--tokenizer", tokenizer, "--arch", "qwen2",
            "--layers", "1", "--hidden", "64", "--ffn", "128", "--heads", "2", "--kv-heads", "1",
        ])
        try #require(made.status == 0, "make-synthetic-llama.py failed: \(made.stderr.suffix(2000))")
        return checkpoint
    }
}
