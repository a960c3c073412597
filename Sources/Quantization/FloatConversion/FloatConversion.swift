#if _endian(big)
#error("ggufkit's conversion kernels read little-endian data as host vectors")
#endif

/// Bulk and scalar conversions between F32 and the 16-bit float encodings GGUF stores.
///
/// The bulk converters are the hot loop of an F16/BF16 conversion, so they work eight
/// lanes at a time on SIMD vectors and read and write through raw, possibly unaligned
/// buffers (safetensors data offsets carry no alignment guarantee). All of them are
/// bit-exact with the references the tests check:
/// - F32→F16 equals numpy's `astype(float16)`: round to nearest even, subnormals kept,
///   overflow to infinity, NaN stays NaN with its top payload bits (never becoming infinity).
/// - F32→BF16 equals ggml's `ggml_compute_fp32_to_bf16`: round to nearest even, NaN made quiet.
/// - F16→F32 and BF16→F32 are exact.
///
/// Buffers hold little-endian values; the kernels load them as host SIMD vectors, which
/// is why a big-endian host is rejected at compile time.
public enum FloatConversion {
    // MARK: Scalar

    /// The F16 bits numpy's `astype(float16)` gives for `value`.
    @inlinable
    public static func halfBits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        if magnitude > 0x7F80_0000 {
            let payload = UInt16(truncatingIfNeeded: (magnitude & 0x007F_FFFF) >> 13)
            // A payload that lives only in the dropped low bits would read as infinity.
            return sign | 0x7C00 | (payload == 0 ? 1 : payload)
        }
        return sign | halfMagnitudeBits(magnitude)
    }

    /// Rounds a finite-or-infinite F32 magnitude (sign bit clear, not NaN) to F16 bits.
    @inlinable @inline(__always)
    static func halfMagnitudeBits(_ magnitude: UInt32) -> UInt16 {
        if magnitude >= 0x477F_F000 { return 0x7C00 } // rounds past 65504
        if magnitude >= 0x3880_0000 {
            // Re-bias the exponent from 127 to 15, then round the 13 dropped bits to even;
            // a carry out of the mantissa correctly bumps the exponent.
            let rebased = magnitude &- 0x3800_0000
            return UInt16(truncatingIfNeeded: (rebased &+ 0x0FFF &+ ((magnitude >> 13) & 1)) >> 13)
        }
        // Subnormal half: adding 0.5 makes the FPU round to a multiple of 2^-24 for us.
        let shifted = Float(bitPattern: magnitude) + 0.5
        return UInt16(truncatingIfNeeded: shifted.bitPattern &- 0x3F00_0000)
    }

    /// The exact F32 value of F16 `bits` (NaN payloads kept).
    @inlinable
    public static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        if exponent == 0 {
            // Subnormal or zero: mantissa * 2^-24 is exact in F32.
            let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)
            return Float(bitPattern: sign | magnitude.bitPattern)
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// The BF16 bits of `value` as ggml rounds them (nearest even; NaN forced quiet).
    @inlinable
    public static func bfloat16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: (bits >> 16) | 64)
        }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// The exact F32 value of BF16 `bits`.
    @inlinable
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    // MARK: Bulk, raw buffers

    /// Converts little-endian F32 values to little-endian F16.
    /// - Throws: ``QuantizationError/bufferSizeMismatch(what:expected:actual:)`` unless
    ///   `destination` holds exactly half the bytes of `source` and `source` is whole floats.
    public static func f32ToF16(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let count = try elementCount(source: source, sourceWidth: 4, destination: destination.count, destinationWidth: 2)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        HalfKernels.f32ToF16(input, output, count)
    }

    /// Converts little-endian F16 values to F32.
    public static func f16ToF32(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let count = try elementCount(source: source, sourceWidth: 2, destination: destination.count, destinationWidth: 4)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        HalfKernels.f16ToF32(input, output, count)
    }

    /// Converts little-endian BF16 values to F32.
    public static func bf16ToF32(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let count = try elementCount(source: source, sourceWidth: 2, destination: destination.count, destinationWidth: 4)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        BFloat16Kernels.bf16ToF32(input, output, count)
    }

    /// Converts little-endian F32 values to little-endian BF16.
    public static func f32ToBF16(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let count = try elementCount(source: source, sourceWidth: 4, destination: destination.count, destinationWidth: 2)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        BFloat16Kernels.f32ToBF16(input, output, count)
    }

    // MARK: Bulk, typed conveniences

    /// Converts F32 values to F16 bit patterns.
    public static func f32ToF16(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<UInt16>) throws {
        try f32ToF16(UnsafeRawBufferPointer(source), into: UnsafeMutableRawBufferPointer(destination))
    }

    /// Converts F16 bit patterns to F32 values.
    public static func f16ToF32(_ source: UnsafeBufferPointer<UInt16>, into destination: UnsafeMutableBufferPointer<Float>) throws {
        try f16ToF32(UnsafeRawBufferPointer(source), into: UnsafeMutableRawBufferPointer(destination))
    }

    /// Converts BF16 bit patterns to F32 values.
    public static func bf16ToF32(_ source: UnsafeBufferPointer<UInt16>, into destination: UnsafeMutableBufferPointer<Float>) throws {
        try bf16ToF32(UnsafeRawBufferPointer(source), into: UnsafeMutableRawBufferPointer(destination))
    }

    /// Converts F32 values to BF16 bit patterns.
    public static func f32ToBF16(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<UInt16>) throws {
        try f32ToBF16(UnsafeRawBufferPointer(source), into: UnsafeMutableRawBufferPointer(destination))
    }

    private static func elementCount(source: UnsafeRawBufferPointer, sourceWidth: Int,
                                     destination: Int, destinationWidth: Int) throws -> Int {
        guard source.count % sourceWidth == 0 else {
            throw QuantizationError.bufferSizeMismatch(
                what: "source of \(sourceWidth)-byte values", expected: source.count / sourceWidth * sourceWidth,
                actual: source.count)
        }
        let count = source.count / sourceWidth
        let (expected, overflow) = count.multipliedReportingOverflow(by: destinationWidth)
        guard !overflow, expected == destination else {
            throw QuantizationError.bufferSizeMismatch(
                what: "destination of \(destinationWidth)-byte values", expected: expected, actual: destination)
        }
        return count
    }
}
