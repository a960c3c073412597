/// Eight-lane F32⇄F16 loops; the scalar functions of ``FloatConversion`` finish the tails
/// and define the semantics these kernels must reproduce lane for lane.
enum HalfKernels {
    typealias Words = SIMD8<UInt32>
    typealias Floats = SIMD8<Float>

    static func f32ToF16(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ count: Int) {
        var index = 0
        while index + 8 <= count {
            let bits = input.loadUnaligned(fromByteOffset: index &* 4, as: Words.self)
            let halves = SIMD8<UInt16>(truncatingIfNeeded: halfBits(bits))
            output.storeBytes(of: halves, toByteOffset: index &* 2, as: SIMD8<UInt16>.self)
            index &+= 8
        }
        while index < count {
            let value = input.loadUnaligned(fromByteOffset: index &* 4, as: Float.self)
            output.storeBytes(of: FloatConversion.halfBits(from: value).littleEndian, toByteOffset: index &* 2, as: UInt16.self)
            index &+= 1
        }
    }

    static func f16ToF32(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ count: Int) {
        var index = 0
        while index + 8 <= count {
            let halves = input.loadUnaligned(fromByteOffset: index &* 2, as: SIMD8<UInt16>.self)
            let words = floatBits(Words(truncatingIfNeeded: halves))
            output.storeBytes(of: words, toByteOffset: index &* 4, as: Words.self)
            index &+= 8
        }
        while index < count {
            let bits = UInt16(littleEndian: input.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))
            output.storeBytes(of: FloatConversion.float(fromHalfBits: bits), toByteOffset: index &* 4, as: Float.self)
            index &+= 1
        }
    }

    /// Lane-wise ``FloatConversion/halfBits(from:)``, branch-free. The FPU does the
    /// rounding: the magnitude, scaled by 2^112·2^-110 (which saturates anything past the
    /// half range to infinity), is added to a power of two chosen so that the sum's last
    /// mantissa bit weighs exactly one half-precision unit of the value (never less than
    /// the subnormal unit). That addition rounds to nearest even, and the half's exponent
    /// and mantissa can then be read straight out of the sum's bits.
    @inline(__always)
    static func halfBits(_ bits: Words) -> Words {
        let magnitude = bits & 0x7FFF_FFFF
        let sign = (bits &>> 16) & 0x8000

        let scaled = unsafeBitCast(magnitude, to: Floats.self) * Floats(repeating: Float(bitPattern: 0x7780_0000))
            * Floats(repeating: Float(bitPattern: 0x0880_0000))
        var exponent = magnitude & 0x7F80_0000
        exponent = LaneMasks.select(LaneMasks.below(exponent, 0x3880_0000), Words(repeating: 0x3880_0000), exponent)
        let rounder = unsafeBitCast(exponent &+ 0x0780_0000, to: Floats.self)
        let sum = unsafeBitCast(rounder + scaled, to: Words.self)
        let result = ((sum &>> 13) & 0x7C00) &+ (sum & 0x0FFF)

        let payload = (magnitude & 0x007F_FFFF) &>> 13
        let nan = payload | 0x7C00 | (LaneMasks.below(payload, 1) & 1)
        return LaneMasks.select(LaneMasks.above(magnitude, 0x7F80_0000), nan, result) | sign
    }

    /// Lane-wise ``FloatConversion/float(fromHalfBits:)`` on halves widened to 32 bits.
    @inline(__always)
    static func floatBits(_ halves: Words) -> Words {
        let sign = (halves & 0x8000) &<< 16
        let shifted = (halves & 0x7FFF) &<< 13
        let exponent = shifted & 0x0F80_0000
        var result = shifted &+ 0x3800_0000
        // Infinity and NaN need the exponent pushed the rest of the way to all ones.
        result &+= LaneMasks.above(exponent, 0x0F7F_FFFF) & 0x3800_0000
        // Subnormal: build 2^-14 * (1 + m/1024) and subtract 2^-14, which is exact.
        let subnormal = unsafeBitCast(result &+ 0x0080_0000, to: Floats.self) - Floats(repeating: Float(bitPattern: 0x3880_0000))
        result = LaneMasks.select(LaneMasks.below(exponent, 1), unsafeBitCast(subnormal, to: Words.self), result)
        return result | sign
    }
}
