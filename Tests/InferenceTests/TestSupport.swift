import Foundation
import Inference
import Testing
import TestSupport

extension SplitMix64 {
    /// Uniform in [-1, 1).
    mutating func symmetric() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }
}

/// Largest absolute difference between two equally long float sequences.
func maxAbsDifference<A: Collection<Float>, B: Collection<Float>>(_ a: A, _ b: B) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

extension InferenceOptions {
    /// Pure F32 arithmetic, so logits can be compared with the reference forward passes.
    static func exact(threads: Int, weightCacheBytes: Int = 2 << 30) -> InferenceOptions {
        var options = InferenceOptions(threads: threads, weightCacheBytes: weightCacheBytes)
        options.activationPrecision = .exact
        return options
    }
}
