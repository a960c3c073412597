/// Scalar operations that must round exactly like ggml's C code on x86-64.
///
/// Byte-identical output depends on reproducing not only ggml's algorithms but also its
/// conversions, including what happens when a value is out of range (which C leaves
/// undefined and x86 resolves in one specific way).
enum GGMLScalar {
    /// ggml's `GROUP_MAX_EPS`: below this magnitude a group counts as all zeros.
    static let groupMaxEpsilon = Float(bitPattern: 0x2690_1D7D) // 1e-15f

    /// ggml's `nearest_int`: rounds half to even by adding 1.5 * 2^23 and reading the
    /// mantissa back. Outside ±2^22 the result is garbage, but the same garbage as ggml's,
    /// which matters for blocks of extreme values.
    @inline(__always)
    static func nearestInt(_ value: Float) -> Int32 {
        let shifted = value + 12_582_912
        return Int32(bitPattern: shifted.bitPattern & 0x007F_FFFF) &- 0x0040_0000
    }

    /// A C cast from float to a 32-bit int as x86 `cvttss2si` performs it: truncation
    /// toward zero, and `INT32_MIN` for NaN or anything out of range. Narrower C casts
    /// (`(int8_t)f`, `(uint8_t)f`) take the low bits of this result.
    @inline(__always)
    static func truncatingInt32(_ value: Float) -> Int32 {
        guard value > -2_147_483_904, value < 2_147_483_648 else { return Int32.min }
        return Int32(value)
    }

    /// ggml's `GGML_FP32_TO_FP16`: round to nearest even, overflow to infinity,
    /// every NaN to the quiet NaN 0x7E00 with the input's sign.
    @inline(__always)
    static func halfBits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        if bits & 0x7FFF_FFFF > 0x7F80_0000 { return sign | 0x7E00 }
        return sign | FloatConversion.halfMagnitudeBits(bits & 0x7FFF_FFFF)
    }

    /// ggml's `GGML_FP16_TO_FP32` (exact).
    @inline(__always)
    static func float(fromHalf bits: UInt16) -> Float {
        FloatConversion.float(fromHalfBits: bits)
    }

    /// Reads a little-endian half at `offset` as F32.
    @inline(__always)
    static func loadHalf(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        float(fromHalf: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// Writes `value` rounded to half as ggml does, little-endian, at `offset`;
    /// returns the stored bits.
    @inline(__always) @discardableResult
    static func storeHalf(_ value: Float, _ base: UnsafeMutableRawPointer, _ offset: Int) -> UInt16 {
        let bits = halfBits(value)
        base.storeBytes(of: bits.littleEndian, toByteOffset: offset, as: UInt16.self)
        return bits
    }

    /// C's `MAX(a, b)` macro on floats (`a > b ? a : b`), whose NaN behaviour differs
    /// from `Swift.max`.
    @inline(__always)
    static func cMax(_ a: Float, _ b: Float) -> Float { a > b ? a : b }

    /// Clamps an integer to `low...high` the way ggml writes `MAX(low, MIN(high, v))`.
    @inline(__always)
    static func clamp(_ value: Int32, _ low: Int32, _ high: Int32) -> Int32 {
        let upper = high < value ? high : value
        return low > upper ? low : upper
    }
}
