import Foundation
import GGUF
@testable import MemoryPlan
import Testing
import TestSupport

/// The plan's arithmetic on a small model whose figures can be worked out by hand.
@Suite("memory plan arithmetic")
struct MemoryPlanTests {
    /// Two layers, 64 wide, 4 query heads and 2 KV heads of 16: K and V rows of 32 values.
    /// Layer 1 has an F16 attention matrix where layer 0 has Q8_0.
    static func model(tied: Bool = false) throws -> (TemporaryDirectory, GGUFFile) {
        let directory = try TemporaryDirectory()
        let metadata = GGUFMetadata([
            (GGUFKey.architecture, .string("llama")),
            ("llama.block_count", .uint32(2)), ("llama.context_length", .uint32(1000)),
            ("llama.embedding_length", .uint32(64)), ("llama.feed_forward_length", .uint32(96)),
            ("llama.attention.head_count", .uint32(4)), ("llama.attention.head_count_kv", .uint32(2)),
            ("llama.attention.layer_norm_rms_epsilon", .float32(1e-5)), ("llama.rope.dimension_count", .uint32(16)),
            (GGUFKey.tokenizerTokens, .strings((0 ..< 100).map { "t\($0)" })),
        ])
        var tensors = [GGUFTensorDescriptor(name: "token_embd.weight", dimensions: [64, 100], type: .f16)]
        for layer in 0 ..< 2 {
            tensors.append(GGUFTensorDescriptor(name: "blk.\(layer).attn_norm.weight", dimensions: [64], type: .f32))
            tensors.append(GGUFTensorDescriptor(name: "blk.\(layer).attn_q.weight", dimensions: [64, 64],
                                                type: layer == 0 ? .q8_0 : .f16))
        }
        tensors.append(GGUFTensorDescriptor(name: "output_norm.weight", dimensions: [64], type: .f32))
        if !tied { tensors.append(GGUFTensorDescriptor(name: "output.weight", dimensions: [64, 100], type: .q8_0)) }
        let path = directory.file("m.gguf")
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors)
        for info in writer.tensorInfos {
            try [UInt8](repeating: 0, count: info.byteCount).withUnsafeBytes { try writer.writeTensorData($0) }
        }
        try writer.finish()
        return (directory, try GGUFFile(path: path))
    }

    @Test("weights are counted per layer and type, the input and output apart, and the mapped span as llama.cpp maps it")
    func weights() throws {
        let (_, file) = try Self.model()
        let model = try ModelMemory(file: file)
        // Q8_0 64×64: 64 rows × 2 blocks × 34 bytes; F16 64×64: 8192 bytes; the norm 256 bytes.
        #expect(model.layers.map(\.bytes) == [4352 + 256, 8192 + 256])
        #expect(model.layers[0].bytesByType.map(\.type) == ["f32", "q8_0"])
        #expect(model.inputBytes == 12800 && model.outputBytes == 256 + 100 * 68 && model.tiedCopyBytes == 0)
        // Every tensor is a multiple of 32 bytes, so the span is their sum.
        #expect(model.mappedBytes == [12800 + 4608 + 8448 + 256 + 6800])
        #expect(model.keyWidths == [32, 32] && model.vocabularySize == 100 && model.trainingContext == 1000)

        let (_, tiedFile) = try Self.model(tied: true)
        let tied = try ModelMemory(file: tiedFile)
        #expect(tied.tiedEmbeddings && tied.outputBytes == 256 && tied.tiedCopyBytes == 12800)
    }

    @Test("the KV cache: context padded to 256 cells, rows of the cache type", arguments: [
        (KVCacheType.f16, 300, 512, 2 * 2 * 32 * 2),
        (.q8_0, 512, 512, 2 * 2 * 34),
        (.q4_0, 1, 256, 2 * 2 * 18),
    ])
    func kvCache(type: KVCacheType, context: Int, cells: Int, perToken: Int) throws {
        let (_, file) = try Self.model()
        let kv = KVCacheSize(model: try ModelMemory(file: file), context: context, type: type)
        #expect(kv.cells == cells && kv.bytesPerToken == perToken && kv.totalBytes == perToken * cells)
        #expect(kv.keyBytes == kv.valueBytes && kv.bytes(layers: 1 ..< 2) == perToken / 2 * cells)
    }

    @Test("sizes print as llama.cpp prints them and parse in binary units")
    func sizes() {
        #expect(ByteSize.mib(5_898_240) == "5.62 MiB") // 5.625 rounds to even, as printf does
        #expect(ByteSize.mib(103_668_480) == "98.87 MiB")
        #expect(ByteSize.parse("8G") == 8 << 30 && ByteSize.parse("8GiB") == 8 << 30 && ByteSize.parse("512m") == 512 << 20)
        #expect(ByteSize.parse("1.5G") == 3 << 29 && ByteSize.parse("1000") == 1000)
        for bad in ["", "G", "-1G", "8X", "0"] { #expect(ByteSize.parse(bad) == nil, "\(bad)") }
    }

    @Test("offloading counts layers from the last, and a count past them moves the output layer (with a tied copy)")
    func placement() throws {
        let (_, file) = try Self.model(tied: true)
        let model = try ModelMemory(file: file)
        let kv = KVCacheSize(model: model, context: 256, type: .f16)
        let compute = ComputeEstimate(model: model, context: 256, cells: 256)
        let one = Placement(model: model, kv: kv, compute: compute, gpuLayers: 1)
        #expect(one.gpuWeights == 8448 && one.gpuKV == 256 * 128 && one.gpuCompute == compute.bytes)
        #expect(one.cpuWeights == 12800 + 4608 + 256 && one.cpuKV == 256 * 128)
        // As many as there are layers: the output layer stays on the CPU.
        let layers = Placement(model: model, kv: kv, compute: compute, gpuLayers: 2)
        #expect(layers.gpuWeights == 4608 + 8448 && layers.cpuWeights == 12800 + 256)
        let all = Placement(model: model, kv: kv, compute: compute, gpuLayers: 3)
        #expect(all.gpuWeights == 4608 + 8448 + 256 + 12800 && all.cpuWeights == 12800 && all.cpuKV == 0)
        let none = Placement(model: model, kv: kv, compute: compute, gpuLayers: 0)
        #expect(none.gpuTotal == 0 && none.cpuTotal == 12800 + 13056 + 256 + 256 * 256 + compute.bytes + 400)
        // micro-batch 256: output stage 100·256·4 + 2·64·256·4; attention 256·256·2 + 3·96·256·4 + 4·64·256·4.
        #expect(compute.outputStage == 233_472 && compute.attentionStage == 688_128 && compute.bytes == 688_128)
    }

    @Test("with a GPU size the plan finds the most layers for a context, or the longest context for all layers")
    func fit() throws {
        let (_, file) = try Self.model(tied: true)
        let model = try ModelMemory(file: file)
        func gpu(_ layers: Int, _ context: Int) -> Int {
            let kv = KVCacheSize(model: model, context: context, type: .f16)
            return Placement(model: model, kv: kv, compute: ComputeEstimate(model: model, context: context, cells: kv.cells),
                             gpuLayers: layers).gpuTotal
        }
        let budget = gpu(2, 768)
        let plan = MemoryPlanner.plan(model, context: 768, vram: budget)
        #expect(plan.gpuLayers == 2 && plan.fitted?.gpuTotal == budget)
        #expect(MemoryPlanner.plan(model, context: 768, vram: budget - 1).gpuLayers == 1)

        // All three (two layers and the output) fit up to 512 tokens; 768 would not.
        let longest = MemoryPlanner.plan(model, context: nil, vram: gpu(3, 512))
        #expect(longest.contextWasFitted && longest.kv.context == 512 && longest.allOnGPU)
        // Not even 256 tokens fit everything: the training context, with the layers that fit.
        let small = MemoryPlanner.plan(model, context: nil, vram: gpu(3, 256) - 1)
        #expect(!small.contextWasFitted && small.kv.context == 1000 && small.gpuLayers! < 3)
    }
}
