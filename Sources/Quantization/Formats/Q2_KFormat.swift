import GGUF

/// Q2_K: super-blocks of 256 values in 16 groups of 16, each group `x ≈ d·sc·q − dmin·m`
/// with 2-bit `q` and 4-bit group scale `sc` and minimum `m`.
/// Layout: scales[16] (low nibble `sc`, high nibble `m`), qs[64], d, dmin (F16).
///
/// Without importance this is ggml's `quantize_row_q2_K_ref`; with importance,
/// `quantize_row_q2_K_impl`.
public struct Q2_KFormat: BlockFormat {
    /// The search implementation (``KQuantSearchKernel``); every choice gives the same bytes.
    let kernel: Int

    public init() { kernel = KQuantSearchKernel.automatic }
    init(kernel: Int) { self.kernel = kernel }

    public var type: GGMLType { .q2_K }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        KQuantRow.forEachBlock(type, source, destination, importance) { x, weights, y, scratch in
            if let weights {
                Self.quantizeWeighted(x, weights, y, scratch, kernel: kernel)
            } else {
                Self.quantizeReference(x, y, scratch, kernel: kernel)
            }
        }
    }

    private static func quantizeReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch,
                                          kernel: Int) {
        let parameters = AffineSearch.Parameters(nmax: 3, rmin: Float(-0.5), rdelta: Float(0.1), steps: 15,
                                                 useAbsoluteError: true, flatWhenNotIncreasing: false)
        var maxScale: Float = 0
        var maxMin: Float = 0
        for i in 0..<256 { s.weights[i] = abs(x[i]) }
        AffineSearch.searchGroups(count: 16, groups: 16, x, weights: s.weights, levels: s.levels, scales: s.scales,
                                  mins: s.mins, scratch: s.auxLevels, parameters, kernel: kernel)
        for j in 0..<16 {
            if s.scales[j] > maxScale { maxScale = s.scales[j] }
            if s.mins[j] > maxMin { maxMin = s.mins[j] }
        }
        let scaleBytes = y.assumingMemoryBound(to: UInt8.self)
        let groupLevelCount: Float = 15
        if maxScale > 0 {
            let inverse = groupLevelCount / maxScale
            for j in 0..<16 {
                scaleBytes[j] = UInt8(truncatingIfNeeded: GGMLScalar.nearestInt(inverse * s.scales[j]))
            }
            GGMLScalar.storeHalf(maxScale / groupLevelCount, y, 80)
        } else {
            for j in 0..<16 { scaleBytes[j] = 0 }
            GGMLScalar.storeHalf(0, y, 80)
        }
        if maxMin > 0 {
            let inverse = groupLevelCount / maxMin
            for j in 0..<16 {
                let l = GGMLScalar.nearestInt(inverse * s.mins[j])
                scaleBytes[j] |= UInt8(truncatingIfNeeded: l &<< 4)
            }
            GGMLScalar.storeHalf(maxMin / groupLevelCount, y, 82)
        } else {
            GGMLScalar.storeHalf(0, y, 82)
        }
        requantize(x, y, s.levels, d: GGMLScalar.loadHalf(y, 80), dmin: GGMLScalar.loadHalf(y, 82))
        KQuantRow.packTwoBit(s.levels, into: (y + 16).assumingMemoryBound(to: UInt8.self))
    }

    private static func quantizeWeighted(_ x: UnsafePointer<Float>, _ importance: UnsafePointer<Float>,
                                         _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch, kernel: Int) {
        let parameters = AffineSearch.Parameters(nmax: 3, rmin: Float(-0.9), rdelta: Float(0.05), steps: 36,
                                                 useAbsoluteError: false, flatWhenNotIncreasing: true)
        let sigma2 = KQuantRow.sumOfSquares(x) / 256
        for j in 0..<16 {
            let qw = importance + 16 * j
            let w = s.weights + 16 * j
            for l in 0..<16 {
                let v = x[16 * j + l]
                w[l] = qw[l] * (sigma2 + v * v).squareRoot()
            }
            var sum: Float = 0
            for l in 0..<16 { sum += w[l] }
            s.groupWeights[j] = sum
        }
        AffineSearch.searchGroups(count: 16, groups: 16, x, weights: s.weights, levels: s.levels, scales: s.scales,
                                  mins: s.mins, scratch: s.auxLevels, parameters, kernel: kernel)
        let d = ScaleLevelSearch.search(count: 16, nmax: 15, s.scales, levels: s.scaleLevels, weights: s.groupWeights)
        let m = ScaleLevelSearch.search(count: 16, nmax: 15, s.mins, levels: s.minLevels, weights: s.groupWeights)
        let dBits = GGMLScalar.storeHalf(d, y, 80)
        let mBits = GGMLScalar.storeHalf(m, y, 82)
        let scaleBytes = y.assumingMemoryBound(to: UInt8.self)
        for j in 0..<16 {
            scaleBytes[j] = UInt8(truncatingIfNeeded: Int32(s.scaleLevels[j]) | (Int32(s.minLevels[j]) << 4))
        }
        requantize(x, y, s.levels, d: GGMLScalar.float(fromHalf: dBits), dmin: GGMLScalar.float(fromHalf: mBits))
        KQuantRow.packTwoBit(s.levels, into: (y + 16).assumingMemoryBound(to: UInt8.self))
    }

    /// Recomputes each group's levels against the scales as actually stored (rounded to
    /// F16 and 4 bits); groups whose stored scale is zero keep their search levels.
    @inline(__always)
    private static func requantize(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer,
                                   _ levels: UnsafeMutablePointer<UInt8>, d: Float, dmin: Float) {
        let scaleBytes = y.assumingMemoryBound(to: UInt8.self)
        for j in 0..<16 {
            let scale = d * Float(scaleBytes[j] & 0xF)
            if scale == 0 { continue }
            let offset = dmin * Float(scaleBytes[j] >> 4)
            for i in 0..<16 {
                let l = GGMLScalar.nearestInt((x[16 * j + i] + offset) / scale)
                levels[16 * j + i] = UInt8(truncatingIfNeeded: GGMLScalar.clamp(l, 0, 3))
            }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 84
            var y = output + block * 256
            let d = GGMLScalar.loadHalf(x, 80)
            let dmin = GGMLScalar.loadHalf(x, 82)
            let scales = x.assumingMemoryBound(to: UInt8.self)
            var q = (x + 16).assumingMemoryBound(to: UInt8.self)
            var group = 0
            for _ in 0..<2 {
                for shift in stride(from: 0, to: 8, by: 2) {
                    for half in 0..<2 {
                        let sc = scales[group]
                        group += 1
                        let dl = d * Float(sc & 0xF)
                        let ml = dmin * Float(sc >> 4)
                        for l in 0..<16 {
                            y[l] = dl * Float((q[16 * half + l] >> UInt8(shift)) & 3) - ml
                        }
                        y += 16
                    }
                }
                q += 32
            }
        }
    }
}
