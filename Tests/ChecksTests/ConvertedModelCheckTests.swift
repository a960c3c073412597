import Checks
import Conversion
import Foundation
import GGUF
import Testing
import TestSupport

/// `check` on our own conversions of real checkpoints reports what their files really hold and
/// nothing else.
@Suite("check on converted models")
struct ConvertedModelCheckTests {
    @Test("SmolLM2: only the pad token, which its tokenizer files set to EOS", arguments: [FileType.f16])
    func smolLM2(type: FileType) throws {
        guard let model = References.smolLM2() else { return }
        let special = try readJSONObject((model as NSString).appendingPathComponent("special_tokens_map.json"))
        // The trap is in the checkpoint itself: its pad token is its EOS token.
        #expect(special["pad_token"] as? String == "<|im_end|>" && special["eos_token"] as? String == "<|im_end|>")

        let directory = try TemporaryDirectory()
        var options = ConversionOptions(modelDirectory: model, outputPath: directory.file("smollm2.gguf"))
        options.fileType = type
        _ = try Converter.convert(options)
        let report = FileChecker.check(try GGUFFile(path: directory.file("smollm2.gguf")), threads: 2)
        #expect(report.findings.map(\.kind) == [.padIsEOS])
        #expect(report.tensorsScanned == report.tensorCount)
    }

    @Test("stories260K: a base model without a chat template, whose pad token the converter set to EOS")
    func stories260K() throws {
        guard let model = References.stories260K() else { return }
        let config = try readJSONObject((model as NSString).appendingPathComponent("tokenizer_config.json"))
        #expect(config["chat_template"] == nil && (config["pad_token"] == nil || config["pad_token"] is NSNull))
        let directory = try TemporaryDirectory()
        _ = try Converter.convert(ConversionOptions(modelDirectory: model, outputPath: directory.file("stories.gguf")))
        let report = FileChecker.check(try GGUFFile(path: directory.file("stories.gguf")))
        #expect(report.findings.map(\.kind) == [.padIsEOS, .noChatTemplate])
    }
}
