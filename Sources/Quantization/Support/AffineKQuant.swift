/// The part Q4_K and Q5_K share: eight groups of 32 values, each `x ≈ d·sc·q − dmin·m`
/// with 6-bit `sc` and `m` packed by ``KScalePacking``. Header layout at the start of
/// the block: d, dmin (F16), scales[12].
enum AffineKQuant {
    /// ggml's reference path (`quantize_row_q4_K_ref` / `quantize_row_q5_K_ref`):
    /// per-group search weighted by `rms + |x|`, then the group scales and minimums
    /// quantized linearly against their maxima. Leaves the search levels in `s.levels`.
    @inline(__always)
    static func quantizeReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch,
                                  _ parameters: AffineSearch.Parameters) {
        var maxScale: Float = 0
        var maxMin: Float = 0
        for j in 0..<8 {
            let group = x + 32 * j
            var sumSquares: Float = 0
            for l in 0..<32 { sumSquares += group[l] * group[l] }
            let rms = (sumSquares / 32).squareRoot()
            for l in 0..<32 { s.weights[l] = rms + abs(group[l]) }
            s.scales[j] = AffineSearch.search(count: 32, group, weights: s.weights, levels: s.levels + 32 * j,
                                              minimum: &s.mins[j], scratch: s.auxLevels, parameters)
            if s.scales[j] > maxScale { maxScale = s.scales[j] }
            if s.mins[j] > maxMin { maxMin = s.mins[j] }
        }
        let inverseScale: Float = maxScale > 0 ? 63 / maxScale : 0
        let inverseMin: Float = maxMin > 0 ? 63 / maxMin : 0
        let packed = (y + 4).assumingMemoryBound(to: UInt8.self)
        for j in 0..<8 {
            let ls = UInt8(truncatingIfNeeded: GGMLScalar.nearestInt(inverseScale * s.scales[j]))
            let lm = UInt8(truncatingIfNeeded: GGMLScalar.nearestInt(inverseMin * s.mins[j]))
            KScalePacking.storeScaleMin(j, scale: min(63, ls), min: min(63, lm), into: packed)
        }
        GGMLScalar.storeHalf(maxScale / 63, y, 0)
        GGMLScalar.storeHalf(maxMin / 63, y, 2)
    }

    /// ggml's importance-weighted path (`quantize_row_q4_K_impl` / `quantize_row_q5_K_impl`):
    /// weights `w·sqrt(σ² + x²)` with σ² = 2·mean(x²) over the super-block, and the group
    /// scales and minimums quantized by a weighted search. Q5_K clamps the 6-bit levels
    /// to 63 before packing, Q4_K does not (`clampLevels`).
    @inline(__always)
    static func quantizeWeighted(_ x: UnsafePointer<Float>, _ importance: UnsafePointer<Float>,
                                 _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch, nmax: Int32, clampLevels: Bool) {
        let parameters = AffineSearch.Parameters(nmax: nmax, rmin: Float(-0.9), rdelta: Float(0.05), steps: 36,
                                                 useAbsoluteError: false, flatWhenNotIncreasing: true)
        let sigma2 = 2 * KQuantRow.sumOfSquares(x) / 256
        for j in 0..<8 {
            let group = x + 32 * j
            let qw = importance + 32 * j
            for l in 0..<32 { s.weights[l] = qw[l] * (sigma2 + group[l] * group[l]).squareRoot() }
            var sum: Float = 0
            for l in 0..<32 { sum += s.weights[l] }
            s.groupWeights[j] = sum
            s.scales[j] = AffineSearch.search(count: 32, group, weights: s.weights, levels: s.levels + 32 * j,
                                              minimum: &s.mins[j], scratch: s.auxLevels, parameters)
        }
        let d = ScaleLevelSearch.search(count: 8, nmax: 63, s.scales, levels: s.scaleLevels, weights: s.groupWeights)
        let m = ScaleLevelSearch.search(count: 8, nmax: 63, s.mins, levels: s.minLevels, weights: s.groupWeights)
        let packed = (y + 4).assumingMemoryBound(to: UInt8.self)
        for j in 0..<8 {
            var ls = s.scaleLevels[j]
            var lm = s.minLevels[j]
            if clampLevels {
                ls = min(63, ls)
                lm = min(63, lm)
            }
            KScalePacking.storeScaleMin(j, scale: ls, min: lm, into: packed)
        }
        GGMLScalar.storeHalf(d, y, 0)
        GGMLScalar.storeHalf(m, y, 2)
    }

    /// Recomputes every group's levels (0...nmax) against the scales as stored; groups
    /// whose stored scale is zero keep their search levels.
    @inline(__always)
    static func requantize(_ x: UnsafePointer<Float>, _ y: UnsafeRawPointer, _ levels: UnsafeMutablePointer<UInt8>,
                           nmax: Int32) {
        let d = GGMLScalar.loadHalf(y, 0)
        let dmin = GGMLScalar.loadHalf(y, 2)
        for j in 0..<8 {
            let (sc, m) = KScalePacking.scaleMin(j, y + 4)
            let scale = d * Float(sc)
            if scale == 0 { continue }
            let offset = dmin * Float(m)
            for i in 0..<32 {
                let l = GGMLScalar.nearestInt((x[32 * j + i] + offset) / scale)
                levels[32 * j + i] = UInt8(truncatingIfNeeded: GGMLScalar.clamp(l, 0, nmax))
            }
        }
    }
}
