import CQuantKernels
@testable import Quantization
import Testing
import TestSupport

/// The IQ4 level search must pick exactly what ggml's `best_index_int8` picks for every input,
/// including values within a few ulps of a level or of the midpoint between two levels.
@Suite("Non-linear 4-bit levels")
struct NonLinearLevelTests {
    /// ggml's `best_index_int8`, transcribed: bisection, then the nearer of the two bracketing levels.
    static func reference(_ x: Float) -> Int {
        let values = NonLinearFour.levels
        if x <= values[0] { return 0 }
        if x >= values[15] { return 15 }
        var low = 0, high = 15
        while high - low > 1 {
            let middle = (low + high) / 2
            if x < values[middle] { high = middle } else { low = middle }
        }
        return x - values[high - 1] < values[high] - x ? high - 1 : high
    }

    static func nearest(_ x: Float) -> Int {
        NonLinearFour.levels.withUnsafeBufferPointer { values in
            NonLinearFour.levelAbove.withUnsafeBufferPointer { above in
                NonLinearFour.nearestLevel(x, values.baseAddress!, above.baseAddress!)
            }
        }
    }

    /// Values at and a few ulps around every level, midpoint and integer in the levels' range.
    static func edgeProbes() -> [Float] {
        let values = NonLinearFour.levels
        var anchors: [Float] = values
        for i in 0 ..< 15 { anchors.append((values[i] + values[i + 1]) / 2) }
        for f in -130 ... 116 { anchors.append(Float(f)) }
        var probes: [Float] = []
        for anchor in anchors {
            var below = anchor, above = anchor
            probes.append(anchor)
            for _ in 0 ..< 6 {
                below = below.nextDown
                above = above.nextUp
                probes += [below, above]
            }
        }
        return probes
    }

    @Test("the SIMD kernel rounds every edge value like ggml", arguments: [1, 2])
    func simdEdges(level: Int) {
        let level = Int(ggufkit_quant_simd_level(Int32(level)))
        guard level > 0 else { return }
        var probes = Self.edgeProbes()
        while probes.count % 32 != 0 { probes.append(0) }
        let ones = [Float](repeating: 1, count: 32), inverses = [Float](repeating: 1, count: 16)
        var sumQX = [Float](repeating: 0, count: 16), sumQ2 = sumQX
        for start in stride(from: 0, to: probes.count, by: 32) {
            let x = Array(probes[start ..< start + 32])
            var expectedQX: Float = 0, expectedQ2: Float = 0
            for value in x {
                let q = NonLinearFour.levels[Self.reference(value)]
                expectedQX += 1 * q * value
                expectedQ2 += 1 * q * q
            }
            ggufkit_iq4_trial_sums(x, ones, inverses, NonLinearFour.levels, &sumQX, &sumQ2, Int32(level))
            #expect(sumQX.allSatisfy { $0.bitPattern == expectedQX.bitPattern }
                    && sumQ2.allSatisfy { $0.bitPattern == expectedQ2.bitPattern }, "probes from \(x[0])")
        }
    }

    @Test("the table lookup chooses ggml's level near every level, midpoint and integer")
    func edges() {
        var probes: [Float] = [0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        probes += Self.edgeProbes()
        var generator = SplitMix64(seed: 5)
        for _ in 0 ..< 200_000 { probes.append(Float.random(in: -135 ... 125, using: &generator)) }
        let mismatches = probes.filter { Self.nearest($0) != Self.reference($0) }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
        #expect(Self.nearest(.nan) == 15)
    }

    /// Every SIMD level of the trial kernel must give the scalar code's bytes (levels above what
    /// this CPU has run at the highest it has).
    @Test("the SIMD trial kernel gives the scalar search's bytes", arguments: [1, 2], [32, 256])
    func simdLevels(level: Int, count: Int) {
        var generator = SplitMix64(seed: UInt64(17 + level + count))
        let rows = 64
        var x = (0 ..< rows * count).map { _ in Float.random(in: -1 ... 1, using: &generator) }
        // Outliers, all-equal runs and zeros, where level ties and the scale search's edges are.
        for i in stride(from: 0, to: x.count, by: 37) { x[i] *= 40 }
        for i in 0 ..< 64 { x[5 * count + i] = 0.25 }
        for i in 0 ..< 32 { x[9 * count + i] = 0 }
        let importance = (0 ..< count).map { i in i % 11 == 0 ? 0 : Float.random(in: 0.01 ... 3, using: &generator) }
        for row in 0 ..< rows {
            for weights in [nil, importance] {
                var scalarScales = [Int32](repeating: 0, count: count / 32)
                var simdScales = scalarScales
                var scalarCodes = [UInt8](repeating: 0, count: count / 2)
                var simdCodes = scalarCodes
                let (scalarBits, simdBits) = x.withUnsafeBufferPointer { values in
                    let start = values.baseAddress! + row * count
                    return (weights ?? []).withUnsafeBufferPointer { w in
                        let pointer = weights == nil ? nil : w.baseAddress
                        let a = NonLinearFour.quantize(start, count: count, importance: pointer, codes: &scalarCodes,
                                                       blockScales: &scalarScales, simdLevel: 0)
                        let b = NonLinearFour.quantize(start, count: count, importance: pointer, codes: &simdCodes,
                                                       blockScales: &simdScales, simdLevel: level)
                        return (a, b)
                    }
                }
                #expect(scalarBits == simdBits && scalarCodes == simdCodes && scalarScales == simdScales,
                        "row \(row), importance \(weights != nil)")
            }
        }
    }
}
