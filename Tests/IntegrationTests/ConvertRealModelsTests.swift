import Conversion
import Foundation
import GGUF
import Testing

@Suite("Converting the shared real models", .serialized)
struct ConvertRealModelsTests {
    static let verifyScript = Fixtures.packageRoot.appendingPathComponent("scripts/verify_gguf.py").path

    func convertAndVerify(_ model: URL?, type: FileType) throws {
        let model = try #require(model, "fixture missing (GGUFKIT_REQUIRE_REFERENCES=1)")
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out-\(type.rawValue).gguf").path
        var options = ConversionOptions(modelDirectory: model.path, outputPath: output)
        options.fileType = type
        let summary = try Converter.convert(options)
        #expect(summary.tensorCount > 0)
        let file = try GGUFFile(path: output)
        #expect(file.metadata["general.architecture"] == .string("llama"))
        let check = try Fixtures.run(["python3", Self.verifyScript, model.path, output])
        #expect(check.status == 0, "verify_gguf.py failed:\n\(check.output)")
    }

    @Test("stories260K converts and reads back equal through gguf-py", arguments: [FileType.f32, .f16, .bf16])
    func stories(type: FileType) throws {
        guard Fixtures.available(Fixtures.stories260K, "stories260K") else { return }
        try convertAndVerify(Fixtures.stories260K, type: type)
    }

    @Test("SmolLM2-135M converts and reads back equal through gguf-py", arguments: [FileType.f16, .auto])
    func smolLM2(type: FileType) throws {
        guard Fixtures.available(Fixtures.smolLM2, "SmolLM2 checkpoint (shared/scripts/make-smollm2-hf.sh)") else { return }
        try convertAndVerify(Fixtures.smolLM2, type: type)
    }
}
