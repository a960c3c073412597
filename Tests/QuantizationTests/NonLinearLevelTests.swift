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

    @Test("the table lookup chooses ggml's level near every level, midpoint and integer")
    func edges() {
        let values = NonLinearFour.levels
        var probes: [Float] = [0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        var anchors: [Float] = values
        for i in 0 ..< 15 { anchors.append((values[i] + values[i + 1]) / 2) }
        for f in -130 ... 116 { anchors.append(Float(f)) }
        for anchor in anchors {
            var below = anchor, above = anchor
            probes.append(anchor)
            for _ in 0 ..< 6 {
                below = below.nextDown
                above = above.nextUp
                probes += [below, above]
            }
        }
        var generator = SplitMix64(seed: 5)
        for _ in 0 ..< 200_000 { probes.append(Float.random(in: -135 ... 125, using: &generator)) }
        let mismatches = probes.filter { Self.nearest($0) != Self.reference($0) }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
        #expect(Self.nearest(.nan) == 15)
    }
}
