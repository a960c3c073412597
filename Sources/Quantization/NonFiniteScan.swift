/// Finds NaN and infinity before a block quantizer sees them (ggml would silently
/// produce garbage blocks).
public enum NonFiniteScan {
    /// The column of the first NaN or infinity in `row`, or `nil` when all are finite.
    @inline(__always)
    public static func firstNonFinite(_ row: UnsafePointer<Float>, count: Int) -> Int? {
        // An exponent of all ones marks both NaN and infinity, and no finite value's exponent
        // field is larger, so the largest field of a chunk tells whether the chunk holds one. A
        // max-reduction over plain integer loads vectorizes well; only a chunk that does gets
        // the element-by-element scan.
        let raw = UnsafeRawPointer(row)
        var start = 0
        while start < count {
            let end = Swift.min(count, start &+ 4096)
            var largest: UInt32 = 0
            var index = start
            while index < end {
                largest = Swift.max(largest, raw.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self) & 0x7F80_0000)
                index &+= 1
            }
            if largest == 0x7F80_0000 {
                for column in start..<end where !row[column].isFinite { return column }
            }
            start = end
        }
        return nil
    }
}
