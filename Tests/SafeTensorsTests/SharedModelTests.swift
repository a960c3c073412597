import Foundation
import SafeTensors
import Testing
import TestSupport

private let storiesFolder = TestAssets.stories260K

@Suite("Real checkpoint: stories260K from ../shared",
       .enabled(ifAvailable: storiesFolder != nil, "needs ../shared/models/stories260K (or GGUFKIT_SHARED); not present"))
struct SharedModelTests {
    /// The Llama layout of stories260K: hidden 64, 4 KV heads of 8 dims, FFN 172, vocab 512.
    private static func expectedShapes() -> [String: [Int]] {
        var shapes = ["model.embed_tokens.weight": [512, 64], "model.norm.weight": [64]]
        for layer in 0 ..< 5 {
            let prefix = "model.layers.\(layer)."
            shapes[prefix + "input_layernorm.weight"] = [64]
            shapes[prefix + "post_attention_layernorm.weight"] = [64]
            shapes[prefix + "self_attn.q_proj.weight"] = [64, 64]
            shapes[prefix + "self_attn.k_proj.weight"] = [32, 64]
            shapes[prefix + "self_attn.v_proj.weight"] = [32, 64]
            shapes[prefix + "self_attn.o_proj.weight"] = [64, 64]
            shapes[prefix + "mlp.gate_proj.weight"] = [172, 64]
            shapes[prefix + "mlp.up_proj.weight"] = [172, 64]
            shapes[prefix + "mlp.down_proj.weight"] = [64, 172]
        }
        return shapes
    }

    @Test("tensor names, shapes, dtypes and parameter count match the published model")
    func namesAndShapes() throws {
        let checkpoint = try SafeTensorsCheckpoint(directory: try #require(storiesFolder))
        let expected = Self.expectedShapes()
        #expect(checkpoint.files.count == 1)
        #expect(checkpoint.tensorNames.count == 47)
        #expect(Set(checkpoint.tensorNames) == Set(expected.keys))
        for name in checkpoint.tensorNames {
            let info = try #require(checkpoint.info(named: name))
            #expect(info.shape == expected[name], "\(name)")
            #expect(info.dtype == .f32, "\(name)")
        }
        #expect(checkpoint.tensors.reduce(0) { $0 + $1.elementCount } == 260_032)
        #expect(checkpoint.metadata["format"] == "pt")
    }

    @Test("the data section is covered exactly and every weight is finite")
    func dataIsSane() throws {
        let file = try SafeTensorsFile(path: try #require(storiesFolder) + "/model.safetensors")
        var expectedOffset = file.dataStart
        for tensor in file.tensors {
            #expect(tensor.fileOffset == expectedOffset, "\(tensor.name)")
            expectedOffset = tensor.fileOffset + tensor.byteCount
            let bytes = file.data(for: tensor)
            let allFinite = (0 ..< tensor.elementCount).allSatisfy {
                bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self).isFinite
            }
            #expect(allFinite, "\(tensor.name)")
        }
        #expect(expectedOffset == file.fileSize)
        let norm = try file.withData(named: "model.norm.weight") { buffer in
            (0 ..< 64).map { buffer.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        }
        #expect(norm.contains { $0 != 0 })
    }
}
