import Foundation
import GPU
import Quantization
import Testing
import TestSupport

/// The transformer-block kernels against F64 (or bit-exact CPU) references.
@Suite("GPU layer kernels against the CPU", .serialized, .enabled(if: GPUTestDevice.enabled, GPUTestDevice.skipReason))
struct LayerKernelTests {
    private func buffer(_ device: GPUDevice, _ values: [Float], _ label: String) throws -> GPUBuffer {
        let buffer = try device.makeBuffer(byteCount: max(4, values.count * 4), label: label)
        try buffer.write(values)
        return buffer
    }

    private func randoms(_ count: Int, _ random: inout SplitMix64, in range: ClosedRange<Float> = -2...2) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &random) }
    }

    private func close(_ got: Float, _ expected: Double, relative: Double = 1e-5) -> Bool {
        abs(Double(got) - expected) <= relative * max(1, abs(expected))
    }

    @Test("residual add, row multiply and row add (with a stride and offset)")
    func binary() throws {
        let device = try GPUTestDevice.open()
        var random = SplitMix64(seed: 11)
        let a = randoms(3 * 100, &random), b = randoms(300, &random), w = randoms(40, &random)
        let target = try buffer(device, a, "a")
        try device.add(try buffer(device, b, "b"), to: target, count: 300)
        #expect(target.readFloats(300) == zip(a, b).map { $0 + $1 })

        // Rows of 40 values at offset 10 of rows 100 apart: the rest of each row is untouched.
        let scaled = try buffer(device, a, "a")
        try device.multiplyRows(scaled, by: try buffer(device, w, "w"), width: 40, rows: 3, stride: 100, offset: 10)
        let biased = try buffer(device, a, "a")
        try device.addRows(biased, bias: try buffer(device, w, "w"), width: 40, rows: 3, stride: 100, offset: 10)
        var expectedScaled = a, expectedBiased = a
        for row in 0..<3 {
            for column in 0..<40 {
                expectedScaled[row * 100 + 10 + column] *= w[column]
                expectedBiased[row * 100 + 10 + column] += w[column]
            }
        }
        #expect(scaled.readFloats(300) == expectedScaled)
        #expect(biased.readFloats(300) == expectedBiased)
    }

    @Test("SwiGLU: gate becomes gate / (1 + e^-gate) * up", arguments: [(1, 1), (3, 700)])
    func swiGLU(rows: Int, inner: Int) throws {
        let device = try GPUTestDevice.open()
        var random = SplitMix64(seed: UInt64(rows * 31 + inner))
        let values = randoms(rows * 2 * inner, &random, in: -8...8)
        let gateUp = try buffer(device, values, "gate/up")
        try device.swiGLU(gateUp, inner: inner, rows: rows)
        let result = gateUp.readFloats(values.count)
        for row in 0..<rows {
            for i in 0..<inner {
                let g = Double(values[row * 2 * inner + i]), u = Double(values[row * 2 * inner + inner + i])
                let expected = g / (1 + exp(-g)) * u
                #expect(close(result[row * 2 * inner + i], expected), "row \(row) value \(i)")
                #expect(result[row * 2 * inner + inner + i] == values[row * 2 * inner + inner + i])
            }
        }
    }

    @Test("RoPE rotates adjacent pairs (llama) and halves (neox) from the tables",
          arguments: [GPURopeStyle.adjacentPairs, .halves])
    func rope(style: GPURopeStyle) throws {
        let device = try GPUTestDevice.open()
        // Rows of [2 other values | 3 heads of 10 values, 8 rotated | 4 more]: only the rotated part changes.
        let rows = 5, heads = 3, pairs = 4, headStride = 10, offset = 2, rowStride = 2 + 30 + 4
        var random = SplitMix64(seed: UInt64(style.rawValue + 5))
        let x = randoms(rows * rowStride, &random)
        let angles = (0..<(rows * pairs)).map { _ in Double.random(in: -10...10, using: &random) }
        let cos = angles.map { Float(Foundation.cos($0)) }, sin = angles.map { Float(Foundation.sin($0)) }
        let values = try buffer(device, x, "x")
        try device.rope(values, cos: try buffer(device, cos, "cos"), sin: try buffer(device, sin, "sin"), rows: rows,
                        heads: heads, pairs: pairs, headStride: headStride, rowStride: rowStride, offset: offset,
                        style: style)
        let result = values.readFloats(x.count)
        var expected = x.map(Double.init)
        for row in 0..<rows {
            for head in 0..<heads {
                let base = row * rowStride + offset + head * headStride
                for pair in 0..<pairs {
                    let (i, j) = style == .adjacentPairs ? (base + 2 * pair, base + 2 * pair + 1) : (base + pair, base + pair + pairs)
                    let c = Double(cos[row * pairs + pair]), s = Double(sin[row * pairs + pair])
                    let a = Double(x[i]), b = Double(x[j])
                    expected[i] = a * c - b * s
                    expected[j] = a * s + b * c
                }
            }
        }
        for index in x.indices {
            #expect(close(result[index], expected[index]), "value \(index): \(result[index]) vs \(expected[index])")
        }
    }

    @Test("softmax and log-softmax of scaled rows", arguments: [false, true])
    func softmax(logarithm: Bool) throws {
        let device = try GPUTestDevice.open()
        let rows = 3, width = 1000
        var random = SplitMix64(seed: logarithm ? 2 : 3)
        let x = randoms(rows * width, &random, in: -20...20)
        let output = try device.makeBuffer(byteCount: x.count * 4, label: "output")
        try device.softmax(input: try buffer(device, x, "x"), output: output, width: width, rows: rows, scale: 0.5,
                           logarithm: logarithm)
        let result = output.readFloats(x.count)
        for row in 0..<rows {
            let scaled = x[(row * width)..<((row + 1) * width)].map { Double($0) * 0.5 }
            let peak = scaled.max()!
            let logSum = peak + log(scaled.reduce(0) { $0 + exp($1 - peak) })
            for (i, value) in scaled.enumerated() {
                let expected = logarithm ? value - logSum : exp(value - logSum)
                #expect(abs(Double(result[row * width + i]) - expected) <= 1e-5 * max(1, abs(expected)) + 1e-9)
            }
        }
    }

    @Test("storing rows into an F32 and an F16 cache", arguments: [GPUCacheType.f32, .f16])
    func storeRows(type: GPUCacheType) throws {
        let device = try GPUTestDevice.open()
        let rows = 3, width = 6, sourceStride = 20, sourceOffset = 8, cacheStride = 10, firstRow = 4
        var random = SplitMix64(seed: 17)
        let source = randoms(rows * sourceStride, &random)
        let cache = try device.makeBuffer(byteCount: (firstRow + rows) * cacheStride * type.byteCount, label: "cache")
        cache.contents.initializeMemory(as: UInt8.self, repeating: 0)
        try device.storeRows(try buffer(device, source, "source"), rows: rows, width: width, sourceStride: sourceStride,
                             sourceOffset: sourceOffset, into: cache, type: type, cacheStride: cacheStride,
                             firstRow: firstRow)
        for row in 0..<(firstRow + rows) {
            for column in 0..<cacheStride {
                let index = row * cacheStride + column
                let stored: Float = type == .f32 ? cache.contents.load(fromByteOffset: index * 4, as: Float.self)
                    : Float(cache.contents.load(fromByteOffset: index * 2, as: Float16.self))
                var expected: Float = 0
                if row >= firstRow, column < width {
                    expected = source[(row - firstRow) * sourceStride + sourceOffset + column]
                    if type == .f16 { expected = Float(Float16(expected)) }
                }
                #expect(stored == expected, "row \(row) column \(column)")
            }
        }
    }

    struct AttentionCase: Sendable, CustomStringConvertible {
        var tokens: Int, heads: Int, kvHeads: Int, headLength: Int, firstPosition: Int, cache: GPUCacheType
        var description: String { "\(tokens) tokens from \(firstPosition), \(heads)/\(kvHeads) heads of \(headLength), \(cache)" }
    }

    @Test("causal grouped-query attention over the cache matches F64 softmax attention", arguments: [
        AttentionCase(tokens: 1, heads: 1, kvHeads: 1, headLength: 8, firstPosition: 0, cache: .f32),
        AttentionCase(tokens: 7, heads: 4, kvHeads: 2, headLength: 16, firstPosition: 0, cache: .f32),
        // Several tiles of keys, a prefix already in the cache, heads wider than a workgroup.
        AttentionCase(tokens: 5, heads: 6, kvHeads: 2, headLength: 128, firstPosition: 150, cache: .f32),
        AttentionCase(tokens: 70, heads: 2, kvHeads: 1, headLength: 64, firstPosition: 3, cache: .f32),
        AttentionCase(tokens: 5, heads: 4, kvHeads: 4, headLength: 256, firstPosition: 80, cache: .f16),
    ])
    func attention(_ c: AttentionCase) throws {
        let device = try GPUTestDevice.open()
        var random = SplitMix64(seed: UInt64(c.tokens * 1000 + c.heads * 10 + c.headLength))
        let positions = c.firstPosition + c.tokens
        // Query rows carry 3 leading values (as Q sits inside a fused Q/K/V row) and a gap after the heads.
        let queryOffset = 3, queryStride = 3 + c.heads * c.headLength + 5
        let kvWidth = c.kvHeads * c.headLength
        let query = randoms(c.tokens * queryStride, &random)
        var keys = randoms(positions * kvWidth, &random), values = randoms(positions * kvWidth, &random)
        if c.cache == .f16 {
            keys = keys.map { Float(Float16($0)) }
            values = values.map { Float(Float16($0)) }
        }
        // Keys and values start a few values into their buffers, output rows a few values into theirs.
        let keyOffset = 5, valueOffset = 2, outputOffset = 3
        func cacheBuffer(_ v: [Float], _ label: String, offset: Int) throws -> GPUBuffer {
            let v = [Float](repeating: 100, count: offset) + v
            if c.cache == .f32 { return try buffer(device, v, label) }
            let halves = v.map { Float16($0) }
            let b = try device.makeBuffer(byteCount: halves.count * 2, label: label)
            try halves.withUnsafeBytes { try b.write($0) }
            return b
        }
        let outputStride = c.heads * c.headLength + 2
        let output = try device.makeBuffer(byteCount: (outputOffset + c.tokens * outputStride) * 4, label: "output")
        let scale = 1 / Float(c.headLength).squareRoot()
        var shape = GPUAttentionShape(tokens: c.tokens, heads: c.heads, keyValueHeads: c.kvHeads, keyLength: c.headLength,
                                      valueLength: c.headLength, queryStride: queryStride, queryOffset: queryOffset,
                                      keyStride: kvWidth, valueStride: kvWidth, firstPosition: c.firstPosition,
                                      outputStride: outputStride, scale: scale)
        shape.keyOffset = keyOffset
        shape.valueOffset = valueOffset
        shape.outputOffset = outputOffset
        try device.attention(query: try buffer(device, query, "query"), keys: try cacheBuffer(keys, "keys", offset: keyOffset),
                             values: try cacheBuffer(values, "values", offset: valueOffset), output: output, cache: c.cache, shape: shape)
        let result = Array(output.readFloats(outputOffset + c.tokens * outputStride).dropFirst(outputOffset))
        var failures = 0
        for token in 0..<c.tokens {
            for head in 0..<c.heads {
                let kvHead = head / (c.heads / c.kvHeads)
                let visible = c.firstPosition + token + 1
                var scores = [Double](repeating: 0, count: visible)
                for key in 0..<visible {
                    var dot = 0.0
                    for i in 0..<c.headLength {
                        dot += Double(query[token * queryStride + queryOffset + head * c.headLength + i])
                            * Double(keys[key * kvWidth + kvHead * c.headLength + i])
                    }
                    scores[key] = dot * Double(scale)
                }
                let peak = scores.max()!
                let weights = scores.map { exp($0 - peak) }
                let total = weights.reduce(0, +)
                for d in 0..<c.headLength {
                    var sum = 0.0
                    for key in 0..<visible { sum += weights[key] * Double(values[key * kvWidth + kvHead * c.headLength + d]) }
                    let expected = sum / total
                    let got = result[token * outputStride + head * c.headLength + d]
                    if abs(Double(got) - expected) > 1e-4 * max(1, abs(expected)) {
                        failures += 1
                        if failures <= 5 { Issue.record("\(c): token \(token) head \(head) value \(d): \(got) vs \(expected)") }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test("activation rounding equals the CPU path's encoder bit for bit", arguments: [
        (GPUActivationRounding.q8_1, DotActivation.q8_1), (.q8_K, .q8_K), (.f16, .f16), (.bf16, .bf16),
    ])
    func rounding(_ gpu: GPUActivationRounding, _ cpu: DotActivation) throws {
        let device = try GPUTestDevice.open()
        var random = SplitMix64(seed: UInt64(gpu.rawValue + 40))
        let count = 4 * 256
        // Mixed magnitudes, a zero block and tiny values (F16 subnormals) exercise every rounding branch.
        var x = (0..<count).map { i -> Float in
            let scale: Float = [1, 1e-3, 100, 1e-6][i / 256]
            return Float.random(in: -1...1, using: &random) * scale
        }
        for i in 0..<32 { x[32 + i] = 0 }
        x[300] = 0.5 / 127 * 127  // exact ties after scaling
        // The source rows are strided (two rows of count/2 values with a gap); the output is contiguous.
        let half = count / 2, gap = 8
        let strided = x[0..<half] + [Float](repeating: 9, count: gap) + x[half...]
        let values = try device.makeBuffer(byteCount: count * 4, label: "rounded")
        var blocks: GPUBlockActivations?
        if gpu.blockSize > 1 {
            blocks = GPUBlockActivations(integers: try device.makeBuffer(byteCount: count * 4, label: "integers"),
                                         scales: try device.makeBuffer(byteCount: count / gpu.blockSize * 4, label: "scales"))
        }
        try device.roundActivations(try buffer(device, Array(strided), "activations"), rows: 2, width: half,
                                    sourceStride: half + gap, into: values, rounding: gpu, blocks: blocks)
        let result = values.readFloats(count)
        // The integers times the block scales are the rounded values; without them (generation) the values are the same.
        if let blocks {
            let alone = try device.makeBuffer(byteCount: count * 4, label: "rounded alone")
            try device.roundActivations(try buffer(device, Array(strided), "activations"), rows: 2, width: half,
                                        sourceStride: half + gap, into: alone, rounding: gpu)
            #expect(alone.readFloats(count).map(\.bitPattern) == result.map(\.bitPattern))
            let integers = blocks.integers.contents.bindMemory(to: Int32.self)
            let scales = blocks.scales.readFloats(count / gpu.blockSize)
            var wrong = 0
            for i in 0..<count where Float(integers[i]) * scales[i / gpu.blockSize] != result[i] { wrong += 1 }
            #expect(wrong == 0, "\(wrong) integers times their scale differ from the rounded value")
        }
        var encoded = [UInt8](repeating: 0, count: cpu.rowBytes(count))
        var expected = [Float](repeating: 0, count: count)
        x.withUnsafeBufferPointer { source in
            encoded.withUnsafeMutableBytes { row in
                cpu.encode(source.baseAddress!, count: count, into: row.baseAddress!)
                expected.withUnsafeMutableBufferPointer { cpu.decode(row.baseAddress!, count: count, into: $0.baseAddress!) }
            }
        }
        var differing = 0
        for i in 0..<count where result[i].bitPattern != expected[i].bitPattern {
            differing += 1
            if differing <= 5 { Issue.record("value \(i) (\(x[i])): GPU \(result[i]), CPU \(expected[i])") }
        }
        #expect(differing == 0)
    }
}
