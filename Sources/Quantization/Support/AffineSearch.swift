import CQuantKernels

/// Scale-and-minimum searches for the affine quantizers (`x ≈ scale * L - min`, L in
/// `0...nmax`), reproducing ggml's `make_qkx2_quants` and `make_qkx3_quants`.
///
/// Both fit a least-squares scale and offset for each of `nstep + 1` candidate inverse
/// scales and keep the one with the lowest weighted error. They differ only in the test
/// for a flat group (`max == min` versus `max <= min`), which disagree only when NaN is
/// involved; the distinction is kept to stay faithful.
enum AffineSearch {
    struct Parameters {
        var nmax: Int32
        var rmin: Float
        var rdelta: Float
        var steps: Int
        var useAbsoluteError: Bool
        /// `true` for `make_qkx3_quants` (gives up when `max <= min`), `false` for
        /// `make_qkx2_quants` (gives up only when `max == min`).
        var flatWhenNotIncreasing: Bool
    }

    /// Returns the scale; the (non-negative) minimum is written to `minimum`.
    /// `scratch` needs `n` bytes.
    @inline(__always)
    static func search(count n: Int, _ x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                       levels: UnsafeMutablePointer<UInt8>, minimum: inout Float,
                       scratch: UnsafeMutablePointer<UInt8>, _ p: Parameters) -> Float {
        var low = x[0]
        var high = x[0]
        var sumW = weights[0]
        var sumX = sumW * x[0]
        for i in 1..<n {
            if x[i] < low { low = x[i] }
            if x[i] > high { high = x[i] }
            let w = weights[i]
            sumW += w
            sumX += w * x[i]
        }
        if low > 0 { low = 0 }
        if p.flatWhenNotIncreasing ? high <= low : high == low {
            for i in 0..<n { levels[i] = 0 }
            minimum = -low
            return 0
        }
        let nmax = p.nmax
        let nmaxFloat = Float(nmax)
        var inverseScale = nmaxFloat / (high - low)
        var scale = 1 / inverseScale
        var bestError: Float = 0
        for i in 0..<n {
            let l = GGMLScalar.clamp(GGMLScalar.nearestInt(inverseScale * (x[i] - low)), 0, nmax)
            levels[i] = UInt8(truncatingIfNeeded: l)
            var diff = scale * Float(levels[i]) + low - x[i]
            diff = p.useAbsoluteError ? abs(diff) : diff * diff
            bestError += weights[i] * diff
        }
        if p.steps < 1 {
            minimum = -low
            return scale
        }
        for step in 0...p.steps {
            inverseScale = (p.rmin + p.rdelta * Float(step) + nmaxFloat) / (high - low)
            var sumL: Float = 0
            var sumL2: Float = 0
            var sumXL: Float = 0
            for i in 0..<n {
                let l = GGMLScalar.clamp(GGMLScalar.nearestInt(inverseScale * (x[i] - low)), 0, nmax)
                scratch[i] = UInt8(truncatingIfNeeded: l)
                let w = weights[i]
                let lf = Float(l)
                sumL += w * lf
                sumL2 += w * lf * lf
                sumXL += w * lf * x[i]
            }
            let determinant = sumW * sumL2 - sumL * sumL
            if determinant > 0 {
                var candidateScale = (sumW * sumXL - sumX * sumL) / determinant
                var candidateMin = (sumL2 * sumX - sumL * sumXL) / determinant
                if candidateMin > 0 {
                    candidateMin = 0
                    candidateScale = sumXL / sumL2
                }
                var error: Float = 0
                for i in 0..<n {
                    var diff = candidateScale * Float(scratch[i]) + candidateMin - x[i]
                    diff = p.useAbsoluteError ? abs(diff) : diff * diff
                    error += weights[i] * diff
                }
                if error < bestError {
                    for i in 0..<n { levels[i] = scratch[i] }
                    bestError = error
                    scale = candidateScale
                    low = candidateMin
                }
            }
        }
        minimum = -low
        return scale
    }
}

extension AffineSearch {
    /// ``search(count:_:weights:levels:minimum:scratch:_:)`` over `groups` consecutive groups of
    /// `n` (`x`, `weights` and `levels` at `g * n`; `scales[g]`, `mins[g]`), by `kernel`
    /// (``KQuantSearchKernel``). Every kernel gives the same results.
    @inline(__always)
    static func searchGroups(count n: Int, groups: Int, _ x: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                             levels: UnsafeMutablePointer<UInt8>, scales: UnsafeMutablePointer<Float>,
                             mins: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<UInt8>, _ p: Parameters,
                             kernel: Int) {
        if kernel == KQuantSearchKernel.scalar || groups > 16 || n > 32 {
            for g in 0..<groups {
                scales[g] = search(count: n, x + n * g, weights: weights + n * g, levels: levels + n * g,
                                   minimum: &mins[g], scratch: scratch, p)
            }
        } else {
            ggufkit_kquant_affine_search(x, weights, Int32(n), Int32(groups), p.nmax, p.rmin, p.rdelta, Int32(p.steps),
                                         p.useAbsoluteError ? 1 : 0, p.flatWhenNotIncreasing ? 1 : 0, levels, scales,
                                         mins, Int32(kernel))
        }
    }
}
