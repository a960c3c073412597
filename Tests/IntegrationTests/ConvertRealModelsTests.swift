import Conversion
import Foundation
import GGUF
import Testing
import TestSupport

@Suite("Converting the shared real models", .serialized)
struct ConvertRealModelsTests {
    static let verifyScript = TestAssets.packageRoot.appendingPathComponent("scripts/verify_gguf.py").path

    func convertAndVerify(_ model: String, python: String, type: FileType) throws {
        let dir = try TemporaryDirectory()
        let output = dir.file("out-\(type.rawValue).gguf")
        var options = ConversionOptions(modelDirectory: model, outputPath: output)
        options.fileType = type
        let summary = try Converter.convert(options)
        #expect(summary.tensorCount > 0)
        let file = try GGUFFile(path: output)
        #expect(file.metadata["general.architecture"] == .string("llama"))
        let check = try Python.run(python, file: Self.verifyScript, arguments: [model, output])
        #expect(check.status == 0, "verify_gguf.py failed:\n\(check.output)")
    }

    @Test("stories260K converts and reads back equal through gguf-py", arguments: [FileType.f32, .f16, .bf16])
    func stories(type: FileType) throws {
        guard let model = References.stories260K(), let python = References.pythonWithGGUF() else { return }
        try convertAndVerify(model, python: python, type: type)
    }

    @Test("SmolLM2-135M converts and reads back equal through gguf-py", arguments: [FileType.f16, .auto])
    func smolLM2(type: FileType) throws {
        guard let model = References.smolLM2(), let python = References.pythonWithGGUF() else { return }
        try convertAndVerify(model, python: python, type: type)
    }
}
