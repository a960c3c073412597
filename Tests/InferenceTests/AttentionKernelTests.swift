import Foundation
import GPU
import Testing
import TestSupport
import Quantization
@testable import Inference

/// The attention kernel's arithmetic is fixed value by value (Sources/CDotKernels/attention.c): the AVX-512 code
/// gives the portable code's bits, and both agree with softmax attention summed in Double.
@Suite("attention kernel")
struct AttentionKernelTests {
    struct Shape: Sendable, CustomStringConvertible {
        let rows: Int
        let firstPosition: Int
        let keyLength: Int
        let valueLength: Int
        var description: String { "\(rows) rows from position \(firstPosition), heads \(keyLength)/\(valueLength)" }
    }

    /// Whole and partial 16-key chunks, a cache prefix, and head widths that are not multiples of 16.
    static let shapes = [Shape(rows: 37, firstPosition: 0, keyLength: 64, valueLength: 64),
                         Shape(rows: 5, firstPosition: 70, keyLength: 48, valueLength: 80),
                         Shape(rows: 1, firstPosition: 130, keyLength: 128, valueLength: 128)]

    /// Runs the kernel at `level`; keys and values live in fused rows (`stride` apart), as in the forward pass.
    static func run(_ shape: Shape, level: Int, seed: UInt64) -> (output: [Float], q: [Float], kv: [Float], stride: Int) {
        var random = SplitMix64(seed: seed)
        let keys = shape.firstPosition + shape.rows
        let stride = shape.keyLength + shape.valueLength + 3
        let q = (0 ..< shape.rows * shape.keyLength).map { _ in Float.random(in: -2 ... 2, using: &random) }
        let kv = (0 ..< keys * stride).map { _ in Float.random(in: -2 ... 2, using: &random) }
        var output = [Float](repeating: .nan, count: shape.rows * shape.valueLength)
        var scratch = [Float](repeating: 0, count: AttentionHead.scratchCount(keys: keys, keyLength: shape.keyLength))
        q.withUnsafeBufferPointer { q in
            kv.withUnsafeBufferPointer { kv in
                output.withUnsafeMutableBufferPointer { out in
                    let head = AttentionHead(
                        query: q.baseAddress!, queryStride: shape.keyLength, rows: shape.rows,
                        firstPosition: shape.firstPosition, keys: kv.baseAddress!, keyStride: stride,
                        values: kv.baseAddress! + shape.keyLength, valueStride: stride, keyLength: shape.keyLength,
                        valueLength: shape.valueLength, scale: 1 / Float(shape.keyLength).squareRoot(),
                        output: out.baseAddress!, outputStride: shape.valueLength)
                    scratch.withUnsafeMutableBufferPointer { head.run(scratch: $0.baseAddress!, level: level) }
                }
            }
        }
        return (output, q, kv, stride)
    }

    @Test("every SIMD level gives the same bits", arguments: shapes)
    func levelsAgree(shape: Shape) {
        let portable = Self.run(shape, level: 0, seed: 5).output
        for level in 1 ... max(1, QuantKernels.cpuLevel) {
            let widest = Self.run(shape, level: level, seed: 5).output
            let differing = zip(portable, widest).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "level \(level): \(differing) of \(portable.count) values differ")
        }
    }

    @Test("the result is softmax attention", arguments: shapes)
    func matchesDoubleReference(shape: Shape) {
        let (output, q, kv, stride) = Self.run(shape, level: QuantKernels.cpuLevel, seed: 6)
        let scale = 1 / Double(shape.keyLength).squareRoot()
        var worst = 0.0
        for i in 0 ..< shape.rows {
            let visible = shape.firstPosition + i + 1
            let scores = (0 ..< visible).map { j in
                (0 ..< shape.keyLength).reduce(0.0) { $0 + Double(q[i * shape.keyLength + $1]) * Double(kv[j * stride + $1]) } * scale
            }
            let peak = scores.max()!
            let weights = scores.map { Foundation.exp($0 - peak) }
            let total = weights.reduce(0, +)
            for d in 0 ..< shape.valueLength {
                var expected = 0.0
                for j in 0 ..< visible { expected += weights[j] * Double(kv[j * stride + shape.keyLength + d]) }
                expected /= total
                worst = max(worst, abs(Double(output[i * shape.valueLength + d]) - expected))
            }
        }
        #expect(worst <= 2e-5, "largest difference \(worst)")
    }
}

/// The device's attention shader repeats the CPU kernel's steps: the same bits (lavapipe on CI).
@Suite("attention on the GPU", .serialized, .enabled(if: OffloadDevice.enabled, "no Vulkan device"))
struct GPUAttentionKernelTests {
    @Test("the attention shader gives the CPU kernel's bits", arguments: AttentionKernelTests.shapes)
    func shaderMatchesCPU(shape: AttentionKernelTests.Shape) throws {
        let runtime = try VulkanRuntime()
        let name = try #require(OffloadDevice.name, "GGUFKIT_REQUIRE_GPU=1 but no device is listed")
        let device = try runtime.open(try #require(try runtime.select(named: name)))
        let (expected, q, kv, stride) = AttentionKernelTests.run(shape, level: QuantKernels.cpuLevel, seed: 7)
        let query = try device.makeBuffer(byteCount: q.count * 4, label: "query")
        try query.write(q)
        let cache = try device.makeBuffer(byteCount: kv.count * 4, label: "keys and values")
        try cache.write(kv)
        let output = try device.makeBuffer(byteCount: expected.count * 4, label: "output")
        var layout = GPUAttentionShape(
            tokens: shape.rows, heads: 1, keyValueHeads: 1, keyLength: shape.keyLength, valueLength: shape.valueLength,
            queryStride: shape.keyLength, queryOffset: 0, keyStride: stride, valueStride: stride,
            firstPosition: shape.firstPosition, outputStride: shape.valueLength,
            scale: 1 / Float(shape.keyLength).squareRoot())
        layout.valueOffset = shape.keyLength
        try device.attention(query: query, keys: cache, values: cache, output: output, cache: .f32, shape: layout)
        let result = output.readFloats(expected.count)
        let differing = zip(expected, result).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) of \(expected.count) values differ")
    }
}
