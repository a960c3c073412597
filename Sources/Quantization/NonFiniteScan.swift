/// Finds NaN and infinity before a block quantizer sees them (ggml would silently
/// produce garbage blocks).
public enum NonFiniteScan {
    /// The column of the first NaN or infinity in `row`, or `nil` when all are finite.
    @inline(__always)
    public static func firstNonFinite(_ row: UnsafePointer<Float>, count: Int) -> Int? {
        // An exponent of all ones marks both NaN and infinity; checking eight lanes at a
        // time keeps the scan far cheaper than the quantizer that follows it.
        let raw = UnsafeRawPointer(row)
        var index = 0
        while index + 8 <= count {
            let bits = raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD8<UInt32>.self)
            if any((bits & 0x7F80_0000) .== 0x7F80_0000) { break }
            index &+= 8
        }
        while index < count {
            if !row[index].isFinite { return index }
            index &+= 1
        }
        return nil
    }
}
