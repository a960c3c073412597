import GGUF

/// Q3_K: super-blocks of 256 values in 16 groups of 16, `x ≈ d·(sc − 32)·(q − 4)` with
/// 3-bit `q` (two low bits in qs, the third in hmask) and 6-bit group scales `sc`.
/// Layout: hmask[32], qs[64], scales[12], d (F16).
///
/// Without importance this is ggml's `quantize_row_q3_K_ref`; with importance,
/// `quantize_row_q3_K_impl`.
public struct Q3_KFormat: BlockFormat {
    /// The search implementation (``KQuantSearchKernel``); every choice gives the same bytes.
    let kernel: Int

    public init() { kernel = KQuantSearchKernel.automatic }
    init(kernel: Int) { self.kernel = kernel }

    public var type: GGMLType { .q3_K }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        KQuantRow.forEachBlock(type, source, destination, importance) { x, weights, y, scratch in
            if let weights {
                Self.quantizeWeighted(x, weights, y, scratch, kernel: kernel)
            } else {
                Self.quantizeReference(x, y, scratch, kernel: kernel)
            }
            Self.requantizeAndPack(x, y, scratch.signedLevels)
        }
    }

    private static func quantizeReference(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch,
                                          kernel: Int) {
        var maxScale: Float = 0
        var maxMagnitude: Float = 0
        SymmetricSearch.searchGroupsByLevelMoves(count: 16, groups: 16, nmax: 4, x, levels: s.signedLevels,
                                                 scales: s.scales, kernel: kernel)
        for j in 0..<16 {
            let magnitude = abs(s.scales[j])
            if magnitude > maxMagnitude {
                maxMagnitude = magnitude
                maxScale = s.scales[j]
            }
        }
        let packed = (y + 96).assumingMemoryBound(to: UInt8.self)
        for k in 0..<12 { packed[k] = 0 }
        if maxScale != 0 {
            let inverse = -32 / maxScale
            for j in 0..<16 {
                // ggml narrows to int8 before clamping.
                let narrowed = Int32(Int8(truncatingIfNeeded: GGMLScalar.nearestInt(inverse * s.scales[j])))
                KScalePacking.storeQ3Scale(j, level: GGMLScalar.clamp(narrowed, -32, 31) + 32, into: packed)
            }
            GGMLScalar.storeHalf(1 / inverse, y, 108)
        } else {
            GGMLScalar.storeHalf(0, y, 108)
        }
    }

    private static func quantizeWeighted(_ x: UnsafePointer<Float>, _ importance: UnsafePointer<Float>,
                                         _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch, kernel: Int) {
        let sigma2 = 2 * KQuantRow.sumOfSquares(x) / 256
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
        SymmetricSearch.searchGroups(count: 16, groups: 16, nmax: 4, x, levels: s.signedLevels, scales: s.scales,
                                     weights: s.weights, kernel: kernel)
        let packed = (y + 96).assumingMemoryBound(to: UInt8.self)
        for k in 0..<12 { packed[k] = 0 }
        let d = SymmetricSearch.searchScale(count: 16, nmax: 32, s.scales, levels: s.signedScaleLevels,
                                            weights: s.groupWeights)
        for j in 0..<16 {
            KScalePacking.storeQ3Scale(j, level: Int32(s.signedScaleLevels[j]), into: packed)
        }
        GGMLScalar.storeHalf(d, y, 108)
    }

    /// Recomputes levels against the stored scales, then splits off the high bit into
    /// hmask (bit `k` of byte `m` is element `32k + m`) and packs the low two bits.
    @inline(__always)
    private static func requantizeAndPack(_ x: UnsafePointer<Float>, _ y: UnsafeMutableRawPointer,
                                          _ levels: UnsafeMutablePointer<Int8>) {
        let d = GGMLScalar.loadHalf(y, 108)
        for j in 0..<16 {
            let scale = d * Float(KScalePacking.q3Scale(j, y + 96))
            if scale == 0 { continue }
            for i in 0..<16 {
                let l = GGMLScalar.clamp(GGMLScalar.nearestInt(x[16 * j + i] / scale), -4, 3)
                levels[16 * j + i] = Int8(truncatingIfNeeded: l + 4)
            }
        }
        let hmask = y.assumingMemoryBound(to: UInt8.self)
        for k in 0..<32 { hmask[k] = 0 }
        var byte = 0
        var bit: UInt8 = 1
        for j in 0..<256 {
            if levels[j] > 3 {
                hmask[byte] |= bit
                levels[j] &-= 4
            }
            byte += 1
            if byte == 32 {
                byte = 0
                bit = bit &<< 1
            }
        }
        let unsigned = UnsafeMutableRawPointer(levels).assumingMemoryBound(to: UInt8.self)
        KQuantRow.packTwoBit(unsigned, into: (y + 32).assumingMemoryBound(to: UInt8.self))
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 110
            var y = output + block * 256
            let d = GGMLScalar.loadHalf(x, 108)
            let hmask = x.assumingMemoryBound(to: UInt8.self)
            var q = (x + 32).assumingMemoryBound(to: UInt8.self)
            var group = 0
            var bit: UInt8 = 1
            for _ in 0..<2 {
                for shift in stride(from: 0, to: 8, by: 2) {
                    for half in 0..<2 {
                        let dl = d * Float(KScalePacking.q3Scale(group, x + 96))
                        group += 1
                        for l in 0..<16 {
                            let low = Int32((q[16 * half + l] >> UInt8(shift)) & 3)
                            let high: Int32 = hmask[16 * half + l] & bit != 0 ? 0 : 4
                            y[l] = dl * Float(low - high)
                        }
                        y += 16
                    }
                    bit = bit &<< 1
                }
                q += 32
            }
        }
    }
}
