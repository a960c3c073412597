/// The float-to-level casts of ggml's reference Q4_0/Q4_1/Q5_0/Q5_1 quantizers.
///
/// ggml rounds by adding 0.5 (or 8.5, 16.5) and casting to a byte type. The cast goes
/// through a 32-bit conversion whose low byte is kept, which is what decides the level
/// when a block's inverse scale overflows to infinity (blocks of tiny subnormals).
enum LegacyLevels {
    /// `MIN(limit, (int8_t)value)` stored into a `uint8_t`.
    @inline(__always)
    static func clampedLevel(_ value: Float, max limit: Int32) -> UInt8 {
        let level = Int32(Int8(truncatingIfNeeded: GGMLScalar.truncatingInt32(value)))
        return UInt8(truncatingIfNeeded: limit < level ? limit : level)
    }

    /// `(uint8_t)value`.
    @inline(__always)
    static func byteLevel(_ value: Float) -> UInt8 {
        UInt8(truncatingIfNeeded: GGMLScalar.truncatingInt32(value))
    }

    /// Packs the fifth bits of 32 five-bit levels into the 32-bit `qh` word of Q5_0/Q5_1
    /// and their low nibbles into 16 bytes (element `j` and `j + 16` share byte `j`).
    @inline(__always)
    static func packFiveBit(_ level: (Int) -> UInt8, qh: UnsafeMutableRawPointer, qs: UnsafeMutablePointer<UInt8>) {
        var high: UInt32 = 0
        for j in 0..<16 {
            let first = level(j)
            let second = level(j + 16)
            qs[j] = (first & 0x0F) | ((second & 0x0F) << 4)
            high |= UInt32((first & 0x10) >> 4) << UInt32(j)
            high |= UInt32((second & 0x10) >> 4) << UInt32(j + 16)
        }
        qh.storeBytes(of: high.littleEndian, as: UInt32.self)
    }

    /// The five-bit level of element `j` (0..<32) of a Q5_0/Q5_1 block.
    @inline(__always)
    static func fiveBitLevel(_ j: Int, qh: UInt32, qs: UnsafePointer<UInt8>) -> UInt8 {
        let low = j < 16 ? qs[j] & 0x0F : qs[j - 16] >> 4
        return low | UInt8(truncatingIfNeeded: ((qh >> UInt32(j)) & 1) << 4)
    }
}
