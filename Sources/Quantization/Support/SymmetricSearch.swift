import CQuantKernels

/// Scale searches for symmetric quantizers (levels centred on zero), reproducing
/// ggml's `make_qx_quants` and `make_q3_quants` operation for operation.
///
/// Every product and sum below is written in the order ggml evaluates it, in `Float`:
/// reordering `w*x*l` as `w*(x*l)` would change the rounding and so the chosen levels.
enum SymmetricSearch {
    /// Picks a scale `d` and levels `L[i] = l + nmax`, `l` in `-nmax..<nmax`, so that
    /// `x[i] ≈ d * l`, refining the scale over 18 nearby candidates: ggml's
    /// `make_qx_quants` with `rmse_type` 1, elements weighted by `weights` or, without
    /// them, by x² (the only variant ggml's quantizers here use).
    @inline(__always)
    static func searchScale(count n: Int, nmax: Int32, _ x: UnsafePointer<Float>, levels: UnsafeMutablePointer<Int8>,
                            weights: UnsafePointer<Float>?) -> Float {
        var maxValue: Float = 0
        var maxMagnitude: Float = 0
        for i in 0..<n {
            let magnitude = abs(x[i])
            if magnitude > maxMagnitude { maxMagnitude = magnitude; maxValue = x[i] }
        }
        if maxMagnitude < GGMLScalar.groupMaxEpsilon {
            for i in 0..<n { levels[i] = 0 }
            return 0
        }
        @inline(__always) func weight(_ i: Int) -> Float { weights?[i] ?? x[i] * x[i] }
        let nmaxFloat = Float(nmax)
        var inverseScale = Float(-nmax) / maxValue
        var sumLX: Float = 0
        var sumL2: Float = 0
        for i in 0..<n {
            let l = GGMLScalar.clamp(GGMLScalar.nearestInt(inverseScale * x[i]), -nmax, nmax &- 1)
            levels[i] = Int8(truncatingIfNeeded: l &+ nmax)
            let w = weight(i)
            let lf = Float(l)
            sumLX += w * x[i] * lf
            sumL2 += w * lf * lf
        }
        var scale: Float = sumL2 != 0 ? sumLX / sumL2 : 0
        var best = scale * sumLX
        for step in -9...9 where step != 0 {
            inverseScale = -(nmaxFloat + Float(0.1) * Float(step)) / maxValue
            sumLX = 0
            sumL2 = 0
            for i in 0..<n {
                let l = GGMLScalar.clamp(GGMLScalar.nearestInt(inverseScale * x[i]), -nmax, nmax &- 1)
                let w = weight(i)
                let lf = Float(l)
                sumLX += w * x[i] * lf
                sumL2 += w * lf * lf
            }
            if sumL2 > 0 && sumLX * sumLX > best * sumL2 {
                for i in 0..<n {
                    let l = GGMLScalar.clamp(GGMLScalar.nearestInt(inverseScale * x[i]), -nmax, nmax &- 1)
                    levels[i] = Int8(truncatingIfNeeded: l &+ nmax)
                }
                scale = sumLX / sumL2
                best = scale * sumLX
            }
        }
        return scale
    }

    /// ggml's `make_q3_quants` with `do_rmse`: start from the max-based scale, then move
    /// single levels while that lowers the x²-weighted error (at most five passes).
    /// Levels come back offset by `nmax`.
    @inline(__always)
    static func searchScaleByLevelMoves(count n: Int, nmax: Int32, _ x: UnsafePointer<Float>,
                                        levels: UnsafeMutablePointer<Int8>) -> Float {
        var maxValue: Float = 0
        var maxMagnitude: Float = 0
        for i in 0..<n {
            let magnitude = abs(x[i])
            if magnitude > maxMagnitude { maxMagnitude = magnitude; maxValue = x[i] }
        }
        if maxMagnitude < GGMLScalar.groupMaxEpsilon {
            for i in 0..<n { levels[i] = 0 }
            return 0
        }
        let inverseScale = Float(-nmax) / maxValue
        var sumLX: Float = 0
        var sumL2: Float = 0
        for i in 0..<n {
            let l = GGMLScalar.clamp(GGMLScalar.nearestInt(inverseScale * x[i]), -nmax, nmax &- 1)
            levels[i] = Int8(truncatingIfNeeded: l)
            let w = x[i] * x[i]
            let lf = Float(l)
            sumLX += w * x[i] * lf
            sumL2 += w * lf * lf
        }
        for _ in 0..<5 {
            var changed = 0
            for i in 0..<n {
                let w = x[i] * x[i]
                let current = Float(levels[i])
                var slx = sumLX - w * x[i] * current
                if slx > 0 {
                    var sl2 = sumL2 - w * current * current
                    let candidate = GGMLScalar.clamp(GGMLScalar.nearestInt(x[i] * sl2 / slx), -nmax, nmax &- 1)
                    if candidate != Int32(levels[i]) {
                        let cf = Float(candidate)
                        slx += w * x[i] * cf
                        sl2 += w * cf * cf
                        if sl2 > 0 && slx * slx * sumL2 > sumLX * sumLX * sl2 {
                            levels[i] = Int8(truncatingIfNeeded: candidate)
                            sumLX = slx
                            sumL2 = sl2
                            changed += 1
                        }
                    }
                }
            }
            if changed == 0 { break }
        }
        for i in 0..<n { levels[i] = Int8(truncatingIfNeeded: Int32(levels[i]) &+ nmax) }
        return sumL2 > 0 ? sumLX / sumL2 : 0
    }
}

extension SymmetricSearch {
    /// ``searchScale(count:nmax:_:levels:weights:)`` over `groups` consecutive groups of `n`
    /// (`x`, `weights` and `levels` at `g * n`; `scales[g]`), by `kernel` (``KQuantSearchKernel``).
    @inline(__always)
    static func searchGroups(count n: Int, groups: Int, nmax: Int32, _ x: UnsafePointer<Float>,
                             levels: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>,
                             weights: UnsafePointer<Float>?, kernel: Int) {
        if kernel == KQuantSearchKernel.scalar || groups > 16 || n > 32 {
            for g in 0..<groups {
                scales[g] = searchScale(count: n, nmax: nmax, x + n * g, levels: levels + n * g,
                                        weights: weights.map { $0 + n * g })
            }
        } else {
            ggufkit_kquant_symmetric_search(x, weights, Int32(n), Int32(groups), nmax, levels, scales, Int32(kernel))
        }
    }

    /// ``searchScaleByLevelMoves(count:nmax:_:levels:)`` over `groups` consecutive groups of `n`,
    /// by `kernel` (``KQuantSearchKernel``).
    @inline(__always)
    static func searchGroupsByLevelMoves(count n: Int, groups: Int, nmax: Int32, _ x: UnsafePointer<Float>,
                                         levels: UnsafeMutablePointer<Int8>, scales: UnsafeMutablePointer<Float>,
                                         kernel: Int) {
        if kernel == KQuantSearchKernel.scalar || groups > 16 || n > 32 {
            for g in 0..<groups {
                scales[g] = searchScaleByLevelMoves(count: n, nmax: nmax, x + n * g, levels: levels + n * g)
            }
        } else {
            ggufkit_kquant_level_moves_search(x, Int32(n), Int32(groups), nmax, levels, scales, Int32(kernel))
        }
    }
}
