import Foundation

/// Rotary position embedding as llama.cpp's `ggml_rope_ext` computes it: base frequencies,
/// optional per-pair frequency factors (llama3's `rope_freqs`), linear scaling and YaRN.
struct Rope: Sendable {
    let style: RopeStyle
    /// Rotated dimensions per head (even).
    let dimensions: Int
    /// Angle per position for each rotated pair, with every scaling folded in.
    let frequencies: [Double]
    /// Multiplier on cos and sin (YaRN's magnitude correction times the attention factor).
    let magnitude: Double

    init(hyper: ModelHyperParameters, frequencyFactors: [Float]?) {
        style = hyper.ropeStyle
        let dimensions = hyper.ropeDimensionCount
        self.dimensions = dimensions
        let pairs = dimensions / 2
        let freqScale = 1 / hyper.ropeScalingFactor
        var mscale = hyper.ropeAttentionFactor
        var low = 0.0, high = 0.0
        let yarn = hyper.ropeScaling == .yarn
        if yarn {
            // The band of pairs between "fully extrapolated" and "fully interpolated" (YaRN's ramp).
            func correctionDimension(_ rotations: Double) -> Double {
                Double(dimensions) * log(Double(hyper.ropeOriginalContextLength) / (rotations * 2 * Double.pi))
                    / (2 * log(hyper.ropeFreqBase))
            }
            low = max(0, floor(correctionDimension(hyper.yarnBetaFast)))
            high = min(Double(dimensions - 1), ceil(correctionDimension(hyper.yarnBetaSlow)))
            mscale *= 1 + 0.1 * log(hyper.ropeScalingFactor)
        }
        var frequencies: [Double] = []
        frequencies.reserveCapacity(pairs)
        for pair in 0 ..< pairs {
            var base = pow(hyper.ropeFreqBase, -2 * Double(pair) / Double(max(dimensions, 1)))
            if let factors = frequencyFactors, pair < factors.count, factors[pair] != 0 {
                base /= Double(factors[pair])
            }
            var mix = 0.0
            if yarn {
                let y = (Double(pair) - low) / max(0.001, high - low)
                mix = 1 - min(1, max(0, y))
            }
            // Interpolated angle blended with the extrapolated one: both are linear in position.
            frequencies.append(base * (freqScale * (1 - mix) + mix))
        }
        self.frequencies = frequencies
        magnitude = mscale
    }

    /// cos and sin of every row's angles: `table[row * pairs + pair]`.
    func table(positions: [Int], parallel: Parallel,
               cos cosTable: UnsafeMutablePointer<Float>, sin sinTable: UnsafeMutablePointer<Float>) {
        let pairs = frequencies.count
        guard pairs > 0 else { return }
        frequencies.withUnsafeBufferPointer { freqs in
            parallel.forEachSlice(positions.count, grain: 16) { rows, _ in
                for row in rows {
                    let position = Double(positions[row])
                    for pair in 0 ..< pairs {
                        let angle = position * freqs[pair]
                        cosTable[row * pairs + pair] = Float(Foundation.cos(angle) * magnitude)
                        sinTable[row * pairs + pair] = Float(Foundation.sin(angle) * magnitude)
                    }
                }
            }
        }
    }

    /// Rotates the first ``dimensions`` values of each of `heads` heads laid out `headStride` apart.
    @inline(__always)
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, headStride: Int,
               cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let pairs = dimensions / 2
        for head in 0 ..< heads {
            let h = x + head * headStride
            switch style {
            case .adjacentPairs:
                for i in 0 ..< pairs {
                    let a = h[2 * i], b = h[2 * i + 1]
                    h[2 * i] = a * cos[i] - b * sin[i]
                    h[2 * i + 1] = a * sin[i] + b * cos[i]
                }
            case .halves:
                let second = h + pairs
                var i = 0
                while i + VectorMath.width <= pairs {
                    let a = VectorMath.load(h + i), b = VectorMath.load(second + i)
                    let c = VectorMath.load(cos + i), s = VectorMath.load(sin + i)
                    VectorMath.store(a * c - b * s, h + i)
                    VectorMath.store(a * s + b * c, second + i)
                    i += VectorMath.width
                }
                while i < pairs {
                    let a = h[i], b = second[i]
                    h[i] = a * cos[i] - b * sin[i]
                    second[i] = a * sin[i] + b * cos[i]
                    i += 1
                }
            }
        }
    }
}
