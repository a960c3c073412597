/// The 12-byte packed 6-bit sub-block scales of the K-quants.
enum KScalePacking {
    /// Q4_K/Q5_K: eight (scale, min) pairs. Pairs 0–3 sit in the low six bits of bytes 0–3
    /// and 4–7; pairs 4–7 put their low nibbles in bytes 8–11 and their top two bits in the
    /// spare high bits of bytes 0–7. Writes are truncating byte stores, as in ggml, so
    /// out-of-range levels (possible with degenerate importance weights) pack identically.
    /// Store the pairs in order 0..<8: pairs 4–7 OR into bytes that pairs 0–3 assign.
    @inline(__always)
    static func storeScaleMin(_ index: Int, scale: UInt8, min: UInt8, into scales: UnsafeMutablePointer<UInt8>) {
        if index < 4 {
            scales[index] = scale
            scales[index + 4] = min
        } else {
            scales[index + 4] = (scale & 0xF) | ((min & 0xF) << 4)
            scales[index - 4] |= UInt8(truncatingIfNeeded: Int32(scale >> 4) << 6)
            scales[index] |= UInt8(truncatingIfNeeded: Int32(min >> 4) << 6)
        }
    }

    /// Q4_K/Q5_K: the (scale, min) pair of sub-block `index` (0..<8).
    @inline(__always)
    static func scaleMin(_ index: Int, _ scales: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
        let q = scales.assumingMemoryBound(to: UInt8.self)
        if index < 4 {
            return (q[index] & 63, q[index + 4] & 63)
        }
        let scale = (q[index + 4] & 0xF) | ((q[index - 4] >> 6) << 4)
        let min = (q[index + 4] >> 4) | ((q[index] >> 6) << 4)
        return (scale, min)
    }

    /// Q3_K: stores the 6-bit level `level` (0..<64) of sub-block `index` (0..<16): low
    /// nibbles fill bytes 0–7 (two per byte), the top two bits go to bytes 8–11.
    /// `scales` must start zeroed.
    @inline(__always)
    static func storeQ3Scale(_ index: Int, level: Int32, into scales: UnsafeMutablePointer<UInt8>) {
        if index < 8 {
            scales[index] = UInt8(truncatingIfNeeded: level & 0xF)
        } else {
            scales[index - 8] |= UInt8(truncatingIfNeeded: (level & 0xF) << 4)
        }
        let high = level >> 4
        scales[index % 4 + 8] |= UInt8(truncatingIfNeeded: high << Int32(2 * (index / 4)))
    }

    /// Q3_K: the signed scale (level − 32) of sub-block `index` (0..<16).
    @inline(__always)
    static func q3Scale(_ index: Int, _ scales: UnsafeRawPointer) -> Int8 {
        let q = scales.assumingMemoryBound(to: UInt8.self)
        let low = index < 8 ? q[index] & 0xF : q[index - 8] >> 4
        let high = (q[8 + index % 4] >> UInt8(2 * (index / 4))) & 3
        return Int8(truncatingIfNeeded: Int32(low | (high << 4)) - 32)
    }
}
