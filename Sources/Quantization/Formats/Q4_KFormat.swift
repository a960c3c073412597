import GGUF

/// Q4_K: super-blocks of 256 values in 8 groups of 32, `x ≈ d·sc·q − dmin·m` with 4-bit
/// `q` and 6-bit group scale and minimum. Layout: d, dmin (F16), scales[12], qs[128]
/// (each 32-byte run holds two groups: low nibbles the first, high nibbles the second).
///
/// Without importance this is ggml's `quantize_row_q4_K_ref`; with importance,
/// `quantize_row_q4_K_impl`.
public struct Q4_KFormat: BlockFormat {
    /// The search implementation (``KQuantSearchKernel``); every choice gives the same bytes.
    let kernel: Int

    public init() { kernel = KQuantSearchKernel.automatic }
    init(kernel: Int) { self.kernel = kernel }

    public var type: GGMLType { .q4_K }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let reference = AffineSearch.Parameters(nmax: 15, rmin: -1, rdelta: Float(0.1), steps: 20,
                                                useAbsoluteError: false, flatWhenNotIncreasing: false)
        AffineKQuant.quantizeRow(type, source, into: destination, importance: importance, nmax: 15,
                                 reference: reference, clampLevels: false, kernel: kernel) { levels, y in
            let q = (y + 16).assumingMemoryBound(to: UInt8.self)
            for pair in 0..<4 {
                let first = levels + 64 * pair
                for l in 0..<32 {
                    q[32 * pair + l] = UInt8(truncatingIfNeeded: Int32(first[l]) | (Int32(first[l + 32]) << 4))
                }
            }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 144
            let y = output + block * 256
            let d = GGMLScalar.loadHalf(x, 0)
            let dmin = GGMLScalar.loadHalf(x, 2)
            let q = (x + 16).assumingMemoryBound(to: UInt8.self)
            for pair in 0..<4 {
                let (sc1, m1) = KScalePacking.scaleMin(2 * pair, x + 4)
                let (sc2, m2) = KScalePacking.scaleMin(2 * pair + 1, x + 4)
                let d1 = d * Float(sc1), o1 = dmin * Float(m1)
                let d2 = d * Float(sc2), o2 = dmin * Float(m2)
                let bytes = q + 32 * pair
                let out = y + 64 * pair
                for l in 0..<32 {
                    out[l] = d1 * Float(bytes[l] & 0xF) - o1
                    out[l + 32] = d2 * Float(bytes[l] >> 4) - o2
                }
            }
        }
    }
}
