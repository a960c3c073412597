import GGUF

/// Q5_K: super-blocks of 256 values in 8 groups of 32, `x ≈ d·sc·q − dmin·m` with 5-bit
/// `q` and 6-bit group scale and minimum. Layout: d, dmin (F16), scales[12], qh[32],
/// qs[128]; group `g`'s fifth bits are bit `g` of the qh bytes.
///
/// Without importance this is ggml's `quantize_row_q5_K_ref`; with importance,
/// `quantize_row_q5_K_impl`.
public struct Q5_KFormat: BlockFormat {
    /// The search implementation (``KQuantSearchKernel``); every choice gives the same bytes.
    let kernel: Int

    public init() { kernel = KQuantSearchKernel.automatic }
    init(kernel: Int) { self.kernel = kernel }

    public var type: GGMLType { .q5_K }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let reference = AffineSearch.Parameters(nmax: 31, rmin: Float(-0.5), rdelta: Float(0.1), steps: 15,
                                                useAbsoluteError: false, flatWhenNotIncreasing: false)
        AffineKQuant.quantizeRow(type, source, into: destination, importance: importance, nmax: 31,
                                 reference: reference, clampLevels: true, kernel: kernel) { levels, y in
            Self.pack(levels, y)
        }
    }

    @inline(__always)
    private static func pack(_ levels: UnsafePointer<UInt8>, _ y: UnsafeMutableRawPointer) {
        let qh = (y + 16).assumingMemoryBound(to: UInt8.self)
        let qs = (y + 48).assumingMemoryBound(to: UInt8.self)
        for k in 0..<32 { qh[k] = 0 }
        var lowBit: UInt8 = 1
        var highBit: UInt8 = 2
        for pair in 0..<4 {
            let first = levels + 64 * pair
            for j in 0..<32 {
                var l1 = Int32(first[j])
                if l1 > 15 {
                    l1 -= 16
                    qh[j] |= lowBit
                }
                var l2 = Int32(first[j + 32])
                if l2 > 15 {
                    l2 -= 16
                    qh[j] |= highBit
                }
                qs[32 * pair + j] = UInt8(truncatingIfNeeded: l1 | (l2 << 4))
            }
            lowBit = lowBit &<< 2
            highBit = highBit &<< 2
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 176
            let y = output + block * 256
            let d = GGMLScalar.loadHalf(x, 0)
            let dmin = GGMLScalar.loadHalf(x, 2)
            let qh = (x + 16).assumingMemoryBound(to: UInt8.self)
            let qs = (x + 48).assumingMemoryBound(to: UInt8.self)
            var lowBit: UInt8 = 1
            var highBit: UInt8 = 2
            for pair in 0..<4 {
                let (sc1, m1) = KScalePacking.scaleMin(2 * pair, x + 4)
                let (sc2, m2) = KScalePacking.scaleMin(2 * pair + 1, x + 4)
                let d1 = d * Float(sc1), o1 = dmin * Float(m1)
                let d2 = d * Float(sc2), o2 = dmin * Float(m2)
                let bytes = qs + 32 * pair
                let out = y + 64 * pair
                for l in 0..<32 {
                    let q1 = Int32(bytes[l] & 0xF) + (qh[l] & lowBit != 0 ? 16 : 0)
                    let q2 = Int32(bytes[l] >> 4) + (qh[l] & highBit != 0 ? 16 : 0)
                    out[l] = d1 * Float(q1) - o1
                    out[l + 32] = d2 * Float(q2) - o2
                }
                lowBit = lowBit &<< 2
                highBit = highBit &<< 2
            }
        }
    }
}
