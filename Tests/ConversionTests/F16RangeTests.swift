import Conversion
import Foundation
import GGUF
import Testing
import TestSupport

/// A BF16 checkpoint with values F16 cannot hold is refused for `--type f16`, with every such
/// tensor named and BF16 suggested, instead of being written with infinities.
@Suite("BF16 values outside F16's range")
struct F16RangeTests {
    /// A tiny BF16 checkpoint whose first layer's Q and down projections hold one large value each.
    static func model(in scratch: TemporaryDirectory, values: [Float]) throws -> String {
        var model = TinyModel.llama
        model.dtypes = .all(.bf16)
        var tensors = model.tensors()
        for (name, value) in zip(["model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight"], values) {
            let index = try #require(tensors.firstIndex { $0.name == name })
            var changed = tensors[index].values
            changed[7] = value
            tensors[index] = SourceTensor(name: name, dtype: .bf16, shape: tensors[index].shape, values: changed)
        }
        let directory = scratch.file("m")
        try model.write(to: directory, tensors: tensors)
        return directory
    }

    @Test("--type f16 fails naming the tensors and suggesting bf16, and writes nothing")
    func refused() throws {
        let scratch = try TemporaryDirectory()
        let model = try Self.model(in: scratch, values: [70000, -1e6])
        let out = try scratch.folder("out")
        let error = try #require(throws: ConversionError.self) {
            try convert(model, to: (out as NSString).appendingPathComponent("m.gguf"), type: .f16)
        }
        #expect(error == .valuesOutsideF16Range(tensors: ["blk.0.attn_q.weight", "blk.1.ffn_down.weight"], largest: 999_424))
        #expect("\(error)".contains("--type bf16"))
        #expect(entries(of: out).isEmpty)
        // BF16 keeps them.
        try convert(model, to: (out as NSString).appendingPathComponent("m.gguf"), type: .bf16)
        let values = try #require(try GGUFFile(path: (out as NSString).appendingPathComponent("m.gguf"))
            .values(of: "blk.1.ffn_down.weight"))
        #expect(values.contains(-999_424))
    }

    @Test("values up to F16's largest are converted as before", arguments: [Float(65280), -65280])
    func inRange(value: Float) throws {
        let scratch = try TemporaryDirectory()
        let model = try Self.model(in: scratch, values: [value, 1])
        try convert(model, to: scratch.file("m.gguf"), type: .f16)
        let values = try #require(try GGUFFile(path: scratch.file("m.gguf")).values(of: "blk.0.attn_q.weight"))
        #expect(values.contains(value) && values.allSatisfy(\.isFinite))
    }
}
