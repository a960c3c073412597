import GGUF

/// IQ4_XS: super-blocks of 256 values, IQ4_NL's non-linear levels with a 6-bit scale per 32
/// values times one F16 scale (4.25 bits per weight). Layout: `d` (F16), `scales_h` (UInt16,
/// 2 high bits per block), `scales_l` (4 bytes, 4 low bits per block), then 128 bytes of codes.
///
/// ggml's `quantize_iq4_xs` (``NonLinearFour``), with or without importance.
public struct IQ4_XSFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq4_xs }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        var scales = [Int32](repeating: 0, count: 8)
        for block in 0 ..< blocks {
            let y = output + block * 136
            let codes = (y + 8).assumingMemoryBound(to: UInt8.self)
            let d = NonLinearFour.quantize(input + block * 256, count: 256,
                                           importance: weights.map { $0 + block * 256 }, codes: codes,
                                           blockScales: &scales)
            var high: UInt16 = 0
            for sub in 0 ..< 8 {
                let l = UInt8(truncatingIfNeeded: scales[sub])
                let low = l & 0x0F
                if sub % 2 == 0 {
                    y.storeBytes(of: low, toByteOffset: 4 + sub / 2, as: UInt8.self)
                } else {
                    let previous = y.load(fromByteOffset: 4 + sub / 2, as: UInt8.self)
                    y.storeBytes(of: previous | (low << 4), toByteOffset: 4 + sub / 2, as: UInt8.self)
                }
                high |= UInt16(l >> 4) << (2 * sub)
            }
            y.storeBytes(of: d.littleEndian, toByteOffset: 0, as: UInt16.self)
            y.storeBytes(of: high.littleEndian, toByteOffset: 2, as: UInt16.self)
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0 ..< blocks {
            let x = input + block * 136
            let d = GGMLScalar.loadHalf(x, 0)
            let high = UInt16(littleEndian: x.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
            for sub in 0 ..< 8 {
                let low = Int32(x.load(fromByteOffset: 4 + sub / 2, as: UInt8.self) >> (4 * (sub % 2))) & 0x0F
                let scale = low | (Int32((high >> (2 * sub)) & 3) << 4)
                NonLinearFour.dequantize(codes: (x + 8 + 16 * sub).assumingMemoryBound(to: UInt8.self),
                                         scale: d * Float(scale - 32), into: output + block * 256 + 32 * sub)
            }
        }
    }
}
