/// Branch-free lane selection for the conversion kernels.
///
/// The standard library's `SIMD.replace(with:where:)` walks the lanes one by one; these
/// build all-ones/all-zeros masks with plain vector arithmetic instead, which compiles
/// to a handful of vector instructions. Operands must stay below 2^31 so the sign bit of
/// a wrapping difference tells which side of the threshold a lane is on.
enum LaneMasks {
    typealias Words = SIMD8<UInt32>

    /// All ones in lanes where `value < threshold`.
    @inline(__always)
    static func below(_ value: Words, _ threshold: UInt32) -> Words {
        Words(repeating: 0) &- ((value &- threshold) &>> 31)
    }

    /// All ones in lanes where `value > threshold`.
    @inline(__always)
    static func above(_ value: Words, _ threshold: UInt32) -> Words {
        Words(repeating: 0) &- ((Words(repeating: threshold) &- value) &>> 31)
    }

    /// `chosen` where `mask` is all ones, `otherwise` elsewhere.
    @inline(__always)
    static func select(_ mask: Words, _ chosen: Words, _ otherwise: Words) -> Words {
        (chosen & mask) | (otherwise & ~mask)
    }
}
