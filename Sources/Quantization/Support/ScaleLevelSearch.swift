/// ggml's `make_qp_quants`: quantizes non-negative values (the per-group scales or
/// minimums of a K-quant super-block) to levels `0...nmax` under importance weights,
/// first picking the best of nine inverse scales, then moving single levels while that
/// lowers the weighted error.
enum ScaleLevelSearch {
    @inline(__always)
    static func search(count n: Int, nmax: Int32, _ x: UnsafePointer<Float>,
                       levels: UnsafeMutablePointer<UInt8>, weights: UnsafePointer<Float>) -> Float {
        var maxValue: Float = 0
        for i in 0..<n { maxValue = GGMLScalar.cMax(maxValue, x[i]) }
        if maxValue < GGMLScalar.groupMaxEpsilon {
            for i in 0..<n { levels[i] = 0 }
            return 0
        }
        let nmaxFloat = Float(nmax)
        var inverseScale = nmaxFloat / maxValue
        // Levels are bytes in ggml too: a negative input wraps here and the wrapped value
        // is what the refinement below starts from.
        for i in 0..<n { levels[i] = UInt8(truncatingIfNeeded: GGMLScalar.nearestInt(inverseScale * x[i])) }
        let scale = 1 / inverseScale
        var bestError: Float = 0
        for i in 0..<n {
            let diff = x[i] - scale * Float(levels[i])
            bestError += weights[i] * diff * diff
        }
        for step in -4...4 where step != 0 {
            let candidateInverse = (Float(0.1) * Float(step) + nmaxFloat) / maxValue
            let candidateScale = 1 / candidateInverse
            var error: Float = 0
            for i in 0..<n {
                let l = min(nmax, GGMLScalar.nearestInt(candidateInverse * x[i]))
                let diff = x[i] - candidateScale * Float(l)
                error += weights[i] * diff * diff
            }
            if error < bestError {
                bestError = error
                inverseScale = candidateInverse
            }
        }
        var sumLX: Float = 0
        var sumL2: Float = 0
        for i in 0..<n {
            let l = min(nmax, GGMLScalar.nearestInt(inverseScale * x[i]))
            levels[i] = UInt8(truncatingIfNeeded: l)
            let w = weights[i]
            let lf = Float(l)
            sumLX += w * x[i] * lf
            sumL2 += w * lf * lf
        }
        for _ in 0..<5 {
            var changed = 0
            for i in 0..<n {
                let w = weights[i]
                let current = Float(levels[i])
                var slx = sumLX - w * x[i] * current
                var sl2 = sumL2 - w * current * current
                if slx > 0 && sl2 > 0 {
                    let candidate = min(nmax, GGMLScalar.nearestInt(x[i] * sl2 / slx))
                    if candidate != Int32(levels[i]) {
                        let cf = Float(candidate)
                        slx += w * x[i] * cf
                        sl2 += w * cf * cf
                        if slx * slx * sumL2 > sumLX * sumLX * sl2 {
                            levels[i] = UInt8(truncatingIfNeeded: candidate)
                            sumLX = slx
                            sumL2 = sl2
                            changed += 1
                        }
                    }
                }
            }
            if changed == 0 { break }
        }
        return sumL2 > 0 ? sumLX / sumL2 : 0
    }
}
