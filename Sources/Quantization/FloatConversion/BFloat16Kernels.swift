import CQuantKernels

/// Eight-lane F32⇄BF16 loops matching ``FloatConversion/bfloat16Bits(from:)`` and
/// ``FloatConversion/float(fromBFloat16Bits:)``.
enum BFloat16Kernels {
    typealias Words = SIMD8<UInt32>

    private static let widenLevel = ggufkit_quant_simd_level(1)

    static func bf16ToF32(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ count: Int) {
        // Aligned buffers (the usual case) take the C loop, which the compiler vectorizes better.
        if count > 0, Int(bitPattern: input) % 2 == 0, Int(bitPattern: output) % 4 == 0 {
            ggufkit_bf16_to_f32_bits(input.assumingMemoryBound(to: UInt16.self),
                                     output.assumingMemoryBound(to: UInt32.self), count, widenLevel)
            return
        }
        var index = 0
        while index + 8 <= count {
            let halves = input.loadUnaligned(fromByteOffset: index &* 2, as: SIMD8<UInt16>.self)
            output.storeBytes(of: Words(truncatingIfNeeded: halves) &<< 16, toByteOffset: index &* 4, as: Words.self)
            index &+= 8
        }
        while index < count {
            let bits = UInt16(littleEndian: input.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))
            output.storeBytes(of: FloatConversion.float(fromBFloat16Bits: bits), toByteOffset: index &* 4, as: Float.self)
            index &+= 1
        }
    }

    static func f32ToBF16(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, _ count: Int) {
        var index = 0
        while index + 8 <= count {
            let bits = input.loadUnaligned(fromByteOffset: index &* 4, as: Words.self)
            let rounded = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) &>> 16
            let isNaN = LaneMasks.above(bits & 0x7FFF_FFFF, 0x7F80_0000)
            let result = LaneMasks.select(isNaN, (bits &>> 16) | 64, rounded)
            output.storeBytes(of: SIMD8<UInt16>(truncatingIfNeeded: result), toByteOffset: index &* 2, as: SIMD8<UInt16>.self)
            index &+= 8
        }
        while index < count {
            let value = input.loadUnaligned(fromByteOffset: index &* 4, as: Float.self)
            output.storeBytes(of: FloatConversion.bfloat16Bits(from: value).littleEndian, toByteOffset: index &* 2, as: UInt16.self)
            index &+= 1
        }
    }
}
