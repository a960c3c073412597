import GGUF

/// Q6_K: super-blocks of 256 values in 16 groups of 16, `x ≈ d·sc·(q − 32)` with 6-bit
/// `q` and signed 8-bit group scales. Layout: ql[128] (low nibbles), qh[64] (top two
/// bits), scales[16] (int8), d (F16).
///
/// Without importance this is ggml's `quantize_row_q6_K_ref` (groups weighted by x²);
/// with importance, `quantize_row_q6_K_impl` (groups weighted by the importance).
public struct Q6_KFormat: BlockFormat {
    /// The search implementation (``KQuantSearchKernel``); every choice gives the same bytes.
    let kernel: Int

    public init() { kernel = KQuantSearchKernel.automatic }
    init(kernel: Int) { self.kernel = kernel }

    public var type: GGMLType { .q6_K }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        KQuantRow.forEachBlock(type, source, destination, importance) { x, weights, y, s in
            Self.quantizeBlock(x, weights, y, s, kernel: kernel)
        }
    }

    @inline(__always)
    private static func quantizeBlock(_ x: UnsafePointer<Float>, _ importance: UnsafePointer<Float>?,
                                      _ y: UnsafeMutableRawPointer, _ s: KQuantRow.Scratch, kernel: Int) {
        let levels = s.signedLevels
        var maxScale: Float = 0
        var maxMagnitude: Float = 0
        SymmetricSearch.searchGroups(count: 16, groups: 16, nmax: 32, x, levels: levels, scales: s.scales,
                                     weights: importance, kernel: kernel)
        for group in 0..<16 {
            let scale = s.scales[group]
            if abs(scale) > maxMagnitude {
                maxMagnitude = abs(scale)
                maxScale = scale
            }
        }
        if maxMagnitude < GGMLScalar.groupMaxEpsilon {
            y.initializeMemory(as: UInt8.self, repeating: 0, count: 210)
            return
        }
        let inverse = -128 / maxScale
        let d = GGMLScalar.float(fromHalf: GGMLScalar.storeHalf(1 / inverse, y, 208))
        let groupScales = (y + 192).assumingMemoryBound(to: Int8.self)
        for group in 0..<16 {
            let level = GGMLScalar.nearestInt(inverse * s.scales[group])
            groupScales[group] = Int8(truncatingIfNeeded: min(127, level))
        }
        for group in 0..<16 {
            let scale = d * Float(groupScales[group])
            if scale == 0 { continue }
            for i in 0..<16 {
                let l = GGMLScalar.clamp(GGMLScalar.nearestInt(x[16 * group + i] / scale), -32, 31)
                levels[16 * group + i] = Int8(truncatingIfNeeded: l + 32)
            }
        }
        let ql = y.assumingMemoryBound(to: UInt8.self)
        let qh = (y + 128).assumingMemoryBound(to: UInt8.self)
        for half in 0..<2 {
            let l0 = levels + 128 * half
            let low = ql + 64 * half
            let high = qh + 32 * half
            for l in 0..<32 {
                let a = Int32(l0[l]), b = Int32(l0[l + 32]), c = Int32(l0[l + 64]), e = Int32(l0[l + 96])
                low[l] = UInt8(truncatingIfNeeded: (a & 0xF) | ((c & 0xF) << 4))
                low[l + 32] = UInt8(truncatingIfNeeded: (b & 0xF) | ((e & 0xF) << 4))
                high[l] = UInt8(truncatingIfNeeded: (a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6))
            }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 210
            let y = output + block * 256
            let d = GGMLScalar.loadHalf(x, 208)
            let scales = (x + 192).assumingMemoryBound(to: Int8.self)
            for half in 0..<2 {
                let ql = (x + 64 * half).assumingMemoryBound(to: UInt8.self)
                let qh = (x + 128 + 32 * half).assumingMemoryBound(to: UInt8.self)
                let sc = scales + 8 * half
                let out = y + 128 * half
                for l in 0..<32 {
                    let group = l / 16
                    let q1 = Int32((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32
                    let q2 = Int32((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32
                    let q3 = Int32((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32
                    let q4 = Int32((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32
                    out[l] = d * Float(sc[group]) * Float(q1)
                    out[l + 32] = d * Float(sc[group + 2]) * Float(q2)
                    out[l + 64] = d * Float(sc[group + 4]) * Float(q3)
                    out[l + 96] = d * Float(sc[group + 6]) * Float(q4)
                }
            }
        }
    }
}
