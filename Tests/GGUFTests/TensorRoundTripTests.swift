import Foundation
import Testing
@testable import GGUF
import TestSupport

@Suite("Tensor round trip")
struct TensorRoundTripTests {
    /// Shapes chosen so rows are whole blocks and sizes often leave padding.
    static let mixedTensors: [TestTensor] = [
        TestTensor("token_embd.weight", [64, 10], .f32, seed: 1),
        TestTensor("blk.0.attn_norm.weight", [7], .f32, seed: 2),
        TestTensor("blk.0.attn_q.weight", [64, 3], .f16, seed: 3),
        TestTensor("blk.0.attn_k.weight", [32, 5], .bf16, seed: 4),
        TestTensor("blk.0.ffn_up.weight", [64, 3], .q4_0, seed: 5),
        TestTensor("blk.0.ffn_down.weight", [96, 2], .q8_0, seed: 6),
        TestTensor("blk.0.ffn_gate.weight", [256, 2], .q4_K, seed: 7),
        TestTensor("output.weight", [512, 1], .q6_K, seed: 8),
        TestTensor("four.d", [3, 2, 2, 5], .i32, seed: 9),
        TestTensor("bytes", [13], .i8, seed: 10),
        TestTensor("doubles", [3, 1, 2], .f64, seed: 11),
    ]

    @Test("tensors of many types read back with the same infos and bytes", arguments: [1, 8, 32, 64, 4096])
    func mixedTypes(alignment: Int) throws {
        let directory = try TemporaryDirectory()
        var metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama"))])
        if alignment != 32 { metadata[GGUFKey.alignment] = .uint32(UInt32(alignment)) }
        let path = try writeGGUF(directory.file("tensors.gguf"), metadata: metadata, tensors: Self.mixedTensors)

        let file = try GGUFFile(path: path)
        #expect(file.alignment == alignment)
        #expect(file.dataOffset % alignment == 0)
        #expect(file.tensors.map(\.name) == Self.mixedTensors.map(\.descriptor.name))
        var expectedOffset = 0
        for (info, tensor) in zip(file.tensors, Self.mixedTensors) {
            #expect(info.dimensions == tensor.descriptor.dimensions)
            #expect(info.type == tensor.descriptor.type)
            #expect(info.offset == expectedOffset, "tensors are packed in order, each aligned")
            #expect(info.offset % alignment == 0)
            #expect(info.byteCount == tensor.bytes.count)
            #expect(Array(file.data(for: info)) == tensor.bytes)
            #expect(file.tensor(named: info.name) == info)
            expectedOffset = (info.offset + info.byteCount + alignment - 1) / alignment * alignment
        }
        #expect(file.fileSize == file.dataOffset + expectedOffset, "the last tensor is padded too")
    }

    @Test("tensor info helpers follow GGUF dimension order")
    func infoHelpers() throws {
        let directory = try TemporaryDirectory()
        let tensors = [TestTensor("w", [256, 3, 2], .q4_K)]
        let file = try GGUFFile(path: writeGGUF(directory.file("w.gguf"), metadata: GGUFMetadata(), tensors: tensors))
        let info = try #require(file.tensor(named: "w"))
        #expect(info.rowLength == 256)
        #expect(info.rowCount == 6)
        #expect(info.elementCount == 1536)
        #expect(info.numpyShape == [2, 3, 256])
        #expect(info.byteCount == 6 * 144)
        #expect(info.rowByteCount == 144)
        #expect(file.tensor(named: "missing") == nil)
        #expect(file.data(named: "missing") == nil)
    }

    @Test("a descriptor built from a NumPy shape stores it reversed")
    func numpyShapeDescriptor() {
        let descriptor = GGUFTensorDescriptor(name: "x", numpyShape: [10, 64], type: .f16)
        #expect(descriptor.dimensions == [64, 10])
    }

    @Test("data(for:) refuses an info from another file")
    func foreignInfo() throws {
        let directory = try TemporaryDirectory()
        let small = try GGUFFile(path: writeGGUF(directory.file("a.gguf"), metadata: GGUFMetadata(),
                                                 tensors: [TestTensor("t", [8], .f32)]))
        let big = try GGUFFile(path: writeGGUF(directory.file("b.gguf"), metadata: GGUFMetadata(),
                                               tensors: [TestTensor("t", [4096], .f32)]))
        #expect(small.data(for: big.tensors[0]).isEmpty)
        #expect(big.data(for: big.tensors[0]).count == 4096 * 4)
    }

    @Test("the writer's layout matches what the reader finds")
    func writerLayoutMatchesReader() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("layout.gguf")
        let writer = try GGUFWriter(path: path, metadata: GGUFMetadata([("a", .string("b"))]),
                                    tensors: Self.mixedTensors.map(\.descriptor))
        let expectedInfos = writer.tensorInfos
        let expectedDataOffset = writer.dataOffset
        for tensor in Self.mixedTensors { try tensor.bytes.withUnsafeBytes { try writer.writeTensorData($0) } }
        try writer.finish()
        let file = try GGUFFile(path: path)
        #expect(file.tensors == expectedInfos)
        #expect(file.dataOffset == expectedDataOffset)
    }

    @Test("a version 2 file is read like version 3")
    func versionTwo() throws {
        let directory = try TemporaryDirectory()
        var bytes = try readBytes(writeGGUF(directory.file("v3.gguf"), metadata: GGUFMetadata([("a", .uint8(1))]),
                                            tensors: [TestTensor("t", [8], .f32)]))
        bytes[4] = 2
        let file = try GGUFFile(path: directory.write("v2.gguf", bytes: bytes))
        #expect(file.version == 2)
        #expect(file.tensors.count == 1)
    }

    @Test("an empty file with no metadata and no tensors is a valid header")
    func emptyModel() throws {
        let directory = try TemporaryDirectory()
        let path = try writeGGUF(directory.file("empty.gguf"), metadata: GGUFMetadata(), tensors: [])
        let bytes = try readBytes(path)
        #expect(bytes.count == 32, "24-byte header padded to 32")
        let file = try GGUFFile(path: path)
        #expect(file.metadata.count == 0 && file.tensors.isEmpty)
    }
}
