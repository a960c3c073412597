import GGUF
import SafeTensors

/// Reference encodings the converter's output is compared against, written independently
/// of the Quantization module: F16 through the standard library's `Float16` (round to
/// nearest even), BF16 by rounding the F32 bit pattern to nearest even by hand.
enum Reference {
    static func halfBits(_ value: Float) -> UInt16 { Float16(value).bitPattern }

    static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let kept = UInt16(truncatingIfNeeded: bits >> 16)
        let dropped = bits & 0xFFFF
        // Incrementing the kept bits moves one BF16 step away from zero, carrying into
        // the exponent (and up to infinity) exactly as rounding should.
        if dropped > 0x8000 || (dropped == 0x8000 && kept & 1 == 1) { return kept &+ 1 }
        return kept
    }

    static func float(halfBits bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }
    static func float(bfloat16Bits bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// Little-endian bytes of `values` in a checkpoint dtype (float dtypes only).
    static func encode(_ values: [Float], as dtype: SafeTensorsDType) -> [UInt8] {
        switch dtype {
        case .f32: return values.flatMap { littleEndian($0.bitPattern) }
        case .f16: return values.flatMap { littleEndian(halfBits($0)) }
        case .bf16: return values.flatMap { littleEndian(bfloat16Bits($0)) }
        case .i32: return values.flatMap { littleEndian(UInt32(bitPattern: Int32($0))) }
        default: return []
        }
    }

    /// Little-endian bytes of `values` in a GGUF tensor type (float types only).
    static func encode(_ values: [Float], as type: GGMLType) -> [UInt8] {
        switch type {
        case .f32: return encode(values, as: SafeTensorsDType.f32)
        case .f16: return encode(values, as: SafeTensorsDType.f16)
        case .bf16: return encode(values, as: SafeTensorsDType.bf16)
        default: return []
        }
    }

    /// The F32 values of little-endian `bytes` in a float type.
    static func decode(_ bytes: UnsafeRawBufferPointer, as type: GGMLType) -> [Float] {
        switch type {
        case .f32:
            return (0 ..< bytes.count / 4).map { Float(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        case .f16:
            return (0 ..< bytes.count / 2).map { float(halfBits: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .bf16:
            return (0 ..< bytes.count / 2).map {
                float(bfloat16Bits: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))
            }
        default:
            return []
        }
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// NumPy's `w.reshape(heads, 2, rows // heads // 2, cols).swapaxes(1, 2).reshape(rows, cols)`
/// spelled out as an index shuffle: the source row of each output row.
func numpyPermutedRows(rows: Int, heads: Int) -> [Int] {
    let half = rows / heads / 2
    var order: [Int] = []
    for head in 0 ..< heads {
        for i in 0 ..< half {
            for s in 0 ..< 2 { order.append(head * 2 * half + s * half + i) }
        }
    }
    return order
}
