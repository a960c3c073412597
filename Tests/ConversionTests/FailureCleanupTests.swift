import Conversion
import Foundation
import GGUF
import SafeTensors
import Testing
import TestSupport

@Suite("failures leave the output folder as it was")
struct FailureCleanupTests {
    /// A llama fixture whose first q_proj holds a NaN at source row 5, column 3.
    private func writeModelWithNaN(to folder: String) throws {
        let model = TinyModel.llama
        var tensors = model.tensors()
        let name = "model.layers.0.self_attn.q_proj.weight"
        let index = try #require(tensors.firstIndex { $0.name == name })
        var values = tensors[index].values
        values[5 * tensors[index].columns + 3] = .nan
        tensors[index] = SourceTensor(name: name, dtype: .f32, shape: tensors[index].shape, values: values)
        try model.write(to: folder, tensors: tensors)
    }

    private static let previous = Array("an earlier conversion's output".utf8)

    @Test("an existing output is untouched when the conversion fails before writing")
    func failsBeforeWriting() throws {
        let scratch = try TemporaryDirectory()
        let out = try scratch.folder("out")
        let output = out + "/model.gguf"
        try writeBytes(Self.previous, to: output)
        let model = TinyModel.llama
        let tensors = model.tensors().filter { $0.name != "model.layers.1.mlp.up_proj.weight" }
        try model.write(to: scratch.file("m"), tensors: tensors)
        #expect(throws: ConversionError.self) { try convert(scratch.file("m"), to: output) }
        #expect(try readBytes(output) == Self.previous)
        #expect(entries(of: out) == ["model.gguf"])
    }

    @Test("an existing output is untouched when the conversion fails half-way through the tensors")
    func failsWhileWriting() throws {
        let scratch = try TemporaryDirectory()
        let out = try scratch.folder("out")
        let output = out + "/model.gguf"
        try writeBytes(Self.previous, to: output)
        try writeModelWithNaN(to: scratch.file("m"))
        // Block quantizers refuse NaN; token_embd is already written by then.
        #expect(throws: ConversionError.self) { try convert(scratch.file("m"), to: output, type: .q8_0) }
        #expect(try readBytes(output) == Self.previous)
        #expect(entries(of: out) == ["model.gguf"], "the hidden .partial file must be gone")
    }

    @Test("a NaN under a block quantizer names the tensor, its file and the row and column in the checkpoint")
    func nonFiniteUnderQuantization() throws {
        let scratch = try TemporaryDirectory()
        try writeModelWithNaN(to: scratch.file("m"))
        let error = #expect(throws: ConversionError.self) {
            try convert(scratch.file("m"), to: scratch.file("m.gguf"), type: .q8_0)
        }
        // q_proj is row-permuted for llama; the message must still point at the checkpoint's row.
        #expect(error == .nonFiniteValue(tensor: "model.layers.0.self_attn.q_proj.weight",
                                         file: scratch.file("m") + "/model.safetensors", row: 5, column: 3))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("m.gguf")))
    }

    @Test("a successful conversion replaces an existing output (the CLI asks for --force first)")
    func successReplaces() throws {
        let scratch = try TemporaryDirectory()
        let out = try scratch.folder("out")
        try writeBytes(Self.previous, to: out + "/model.gguf")
        try TinyModel.llama.write(to: scratch.file("m"))
        try convert(scratch.file("m"), to: out + "/model.gguf")
        #expect(try GGUFFile(path: out + "/model.gguf").tensors.count == TinyModel.llama.specs.count)
        #expect(entries(of: out) == ["model.gguf"])
    }
}
