import Foundation
import GGUF
@testable import Inference
import Testing
import TestSupport

/// Generation multiplies the stored blocks directly (one kernel call per output); batches multiply decoded tiles
/// with BLAS. Both must describe the same model.
@Suite("Products on stored blocks")
struct BlockProductTests {
    /// A model whose every row is a multiple of 256 values, so all block formats apply.
    static func spec(_ type: GGMLType) -> TinyModelSpec {
        var spec = TinyModelSpec()
        spec.weightType = type
        spec.hidden = 256
        spec.headDim = 64
        spec.heads = [4, 4]
        spec.kvHeads = [2, 2]
        spec.ffn = [512, 256]
        spec.vocab = 96
        return spec
    }

    static func llamaCpp(threads: Int, simdLevel: Int? = nil) -> InferenceOptions {
        var options = InferenceOptions(threads: threads)
        options.activationPrecision = .llamaCpp
        options.simdLevel = simdLevel
        return options
    }

    static func sessionLogits(_ model: LlamaModel, _ tokens: [Int32]) throws -> [[Float]] {
        let session = model.makeSession(maxTokens: tokens.count)
        return try tokens.map { try session.append(tokens: [$0]) }
    }

    static let types: [GGMLType] = [.f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K,
                                    .iq4_nl, .iq4_xs, .iq3_s]

    /// Every linear layer of `model` applied to one random input row twice: alone (block kernels) and as the
    /// first of 9 identical rows (BLAS on decoded tiles). Returns the largest difference relative to the largest
    /// output, over all layers.
    static func pathDifference(_ model: LlamaModel) throws -> Float {
        let weights = model.weights
        var linears: [LinearWeights] = [weights.head]
        for layer in weights.layers { linears += [layer.qkv, layer.output, layer.gateUp, layer.down] }
        var random = SplitMix64(seed: 5)
        var worst: Float = 0
        for linear in linears {
            #expect(linear.blockProduct != nil)
            let input = (0 ..< linear.columns).map { _ in Float(Int(random.next() % 2001) - 1000) / 300 }
            let batch = (0 ..< 9).flatMap { _ in input }
            var single = [Float](repeating: 0, count: linear.rows)
            var many = [Float](repeating: 0, count: 9 * linear.rows)
            try input.withUnsafeBufferPointer { x in
                try linear.apply(x.baseAddress!, count: 1, inputStride: linear.columns, into: &single,
                                 outputStride: linear.rows, accumulate: false, context: model.context)
            }
            try batch.withUnsafeBufferPointer { x in
                try linear.apply(x.baseAddress!, count: 9, inputStride: linear.columns, into: &many,
                                 outputStride: linear.rows, accumulate: false, context: model.context)
            }
            let largest = many.map(abs).max() ?? 1
            worst = max(worst, maxAbsDifference(single, Array(many[0 ..< linear.rows])) / max(largest, 1e-30))
            // Every row of the batch gets the same result (one tile layout for all rows).
            #expect(Array(many[0 ..< linear.rows]) == Array(many[8 * linear.rows ..< 9 * linear.rows]))
        }
        return worst
    }

    @Test("one row through the block kernels equals the same row through decoded tiles", arguments: types)
    func blockPathMatchesBatchPath(type: GGMLType) throws {
        let (_, model, _) = try TinyModelTests.load(Self.spec(type), options: Self.llamaCpp(threads: 2))
        // The same rounded activations meet the same weights: only float summation order differs.
        #expect(try Self.pathDifference(model) < 1e-5, "\(type.name)")
    }

    @Test("token-by-token logits are identical for 1, 2 and 3 threads", arguments: [GGMLType.q4_K, .q4_0, .iq4_xs])
    func threadCountInvariance(type: GGMLType) throws {
        let logits = try [1, 2, 3].map { threads in
            let (_, model, _) = try TinyModelTests.load(Self.spec(type), options: Self.llamaCpp(threads: threads))
            return try Self.sessionLogits(model, TinyModelTests.tokens)
        }
        #expect(logits[0] == logits[1])
        #expect(logits[0] == logits[2])
    }

    @Test("batch logits (every token at once) are identical for 1, 2 and 3 threads",
          arguments: [GGMLType.q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1])
    func batchThreadCountInvariance(type: GGMLType) throws {
        let logits = try [1, 2, 3].map { threads in
            let (_, model, _) = try TinyModelTests.load(Self.spec(type), options: Self.llamaCpp(threads: threads))
            var rows: [[Float]] = []
            try model.evaluate(sequences: [TinyModelTests.tokens], outputPositions: 0 ..< TinyModelTests.tokens.count) {
                _, _, values in rows.append(Array(values))
            }
            return rows
        }
        #expect(logits[0].count == TinyModelTests.tokens.count)
        #expect(logits[0] == logits[1])
        #expect(logits[0] == logits[2])
    }

    @Test("the portable kernels (SIMD level 0) agree with the batch path as the widest do", arguments: types)
    func portableFallback(type: GGMLType) throws {
        let (_, model, _) = try TinyModelTests.load(Self.spec(type), options: Self.llamaCpp(threads: 2, simdLevel: 0))
        #expect(model.options.simdLevel == 0)
        #expect(try Self.pathDifference(model) < 1e-5, "\(type.name)")
    }
}
