import CQuantKernels
import GGUF

/// The part Q4_K and Q5_K share: eight groups of 32 values, each `x ≈ d·sc·q − dmin·m`
/// with 6-bit `sc` and `m` packed by ``KScalePacking``. Header layout at the start of
/// the block: d, dmin (F16), scales[12].
enum AffineKQuant {
    /// Encodes a row of Q4_K or Q5_K super-blocks. Without importance this is ggml's reference
    /// path (`quantize_row_q4_K_ref` / `quantize_row_q5_K_ref`): per-group search weighted by
    /// `rms + |x|`, then the group scales and minimums quantized linearly against their maxima.
    /// With importance it is the weighted path (`quantize_row_q4_K_impl` / `..._q5_K_impl`):
    /// weights `w·sqrt(σ² + x²)` with σ² = 2·mean(x²) over the super-block, and the group scales
    /// and minimums quantized by a weighted search; Q5_K clamps the 6-bit levels to 63 before
    /// packing, Q4_K does not (`clampLevels`). `pack` writes a block's levels after the header.
    /// The vector kernels search two super-blocks (16 groups) per call.
    @inline(__always)
    static func quantizeRow(_ type: GGMLType, _ source: UnsafeBufferPointer<Float>,
                            into destination: UnsafeMutableRawBufferPointer, importance: UnsafeBufferPointer<Float>?,
                            nmax: Int32, reference: AffineSearch.Parameters, clampLevels: Bool, kernel: Int,
                            pack: (UnsafePointer<UInt8>, UnsafeMutableRawPointer) -> Void) {
        let weighted = AffineSearch.Parameters(nmax: nmax, rmin: Float(-0.9), rdelta: Float(0.05), steps: 36,
                                               useAbsoluteError: false, flatWhenNotIncreasing: true)
        let blockBytes = type.bytesPerBlock
        let batch = kernel == KQuantSearchKernel.scalar ? 1 : 2
        KQuantRow.forEachBlockBatch(type, source, destination, importance, batch: batch) { x, importance, y, count, s in
            for k in 0..<count {
                if let importance {
                    importanceWeights(x + 256 * k, importance + 256 * k, into: s.weights + 256 * k,
                                      groupWeights: s.groupWeights + 8 * k)
                } else {
                    referenceWeights(x + 256 * k, into: s.weights + 256 * k)
                }
            }
            AffineSearch.searchGroups(count: 32, groups: 8 * count, x, weights: s.weights, levels: s.levels,
                                      scales: s.scales, mins: s.mins, scratch: s.auxLevels,
                                      importance == nil ? reference : weighted, kernel: kernel)
            for k in 0..<count {
                let block = y + k * blockBytes
                if importance != nil {
                    finishWeighted(block, scales: s.scales + 8 * k, mins: s.mins + 8 * k,
                                   groupWeights: s.groupWeights + 8 * k, s, clampLevels: clampLevels)
                } else {
                    finishReference(block, scales: s.scales + 8 * k, mins: s.mins + 8 * k)
                }
                requantize(x + 256 * k, block, s.levels + 256 * k, nmax: nmax, kernel: kernel)
                pack(s.levels + 256 * k, block)
            }
        }
    }

    /// The reference path's weights: `rms + |x|`, rms over each group of 32.
    @inline(__always)
    static func referenceWeights(_ x: UnsafePointer<Float>, into weights: UnsafeMutablePointer<Float>) {
        for j in 0..<8 {
            let group = x + 32 * j
            var sumSquares: Float = 0
            for l in 0..<32 { sumSquares += group[l] * group[l] }
            let rms = (sumSquares / 32).squareRoot()
            for l in 0..<32 { weights[32 * j + l] = rms + abs(group[l]) }
        }
    }

    /// The weighted path's weights `w·sqrt(σ² + x²)` and their sum per group.
    @inline(__always)
    static func importanceWeights(_ x: UnsafePointer<Float>, _ importance: UnsafePointer<Float>,
                                  into weights: UnsafeMutablePointer<Float>, groupWeights: UnsafeMutablePointer<Float>) {
        let sigma2 = 2 * KQuantRow.sumOfSquares(x) / 256
        for j in 0..<8 {
            var sum: Float = 0
            for l in 0..<32 {
                let i = 32 * j + l
                weights[i] = importance[i] * (sigma2 + x[i] * x[i]).squareRoot()
                sum += weights[i]
            }
            groupWeights[j] = sum
        }
    }

    /// The reference path's header: scales and minimums quantized against their maxima.
    @inline(__always)
    static func finishReference(_ y: UnsafeMutableRawPointer, scales: UnsafePointer<Float>, mins: UnsafePointer<Float>) {
        var maxScale: Float = 0
        var maxMin: Float = 0
        for j in 0..<8 {
            if scales[j] > maxScale { maxScale = scales[j] }
            if mins[j] > maxMin { maxMin = mins[j] }
        }
        let inverseScale: Float = maxScale > 0 ? 63 / maxScale : 0
        let inverseMin: Float = maxMin > 0 ? 63 / maxMin : 0
        let packed = (y + 4).assumingMemoryBound(to: UInt8.self)
        for j in 0..<8 {
            let ls = UInt8(truncatingIfNeeded: GGMLScalar.nearestInt(inverseScale * scales[j]))
            let lm = UInt8(truncatingIfNeeded: GGMLScalar.nearestInt(inverseMin * mins[j]))
            KScalePacking.storeScaleMin(j, scale: min(63, ls), min: min(63, lm), into: packed)
        }
        GGMLScalar.storeHalf(maxScale / 63, y, 0)
        GGMLScalar.storeHalf(maxMin / 63, y, 2)
    }

    /// The weighted path's header: scales and minimums quantized by a weighted search.
    @inline(__always)
    static func finishWeighted(_ y: UnsafeMutableRawPointer, scales: UnsafePointer<Float>, mins: UnsafePointer<Float>,
                               groupWeights: UnsafePointer<Float>, _ s: KQuantRow.Scratch, clampLevels: Bool) {
        let d = ScaleLevelSearch.search(count: 8, nmax: 63, scales, levels: s.scaleLevels, weights: groupWeights)
        let m = ScaleLevelSearch.search(count: 8, nmax: 63, mins, levels: s.minLevels, weights: groupWeights)
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
                           nmax: Int32, kernel: Int) {
        let d = GGMLScalar.loadHalf(y, 0)
        let dmin = GGMLScalar.loadHalf(y, 2)
        if kernel != KQuantSearchKernel.scalar {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { buffer in
                let scales = buffer.baseAddress!, offsets = scales + 8
                for j in 0..<8 {
                    let (sc, m) = KScalePacking.scaleMin(j, y + 4)
                    scales[j] = d * Float(sc)
                    offsets[j] = dmin * Float(m)
                }
                ggufkit_kquant_affine_requantize(x, 32, 8, scales, offsets, nmax, levels, Int32(kernel))
            }
            return
        }
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
