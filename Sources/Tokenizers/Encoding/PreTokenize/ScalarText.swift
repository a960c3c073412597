/// A UTF-8 fragment decoded into Unicode scalars, with each scalar's byte offset and
/// ``ScalarClass`` bits, so the splitters can work per scalar (as llama.cpp's regexes do)
/// and hand back byte ranges.
struct ScalarText {
    /// Scalar values.
    private(set) var values: [UInt32] = []
    /// `byteStarts[i]` is where scalar `i` starts; one extra entry holds the end.
    private(set) var byteStarts: [Int] = []
    /// ``ScalarClass`` bits per scalar.
    private(set) var classes: [UInt8] = []

    /// Decodes `bytes`; a malformed sequence (which a Swift `String` never holds) becomes
    /// one U+FFFD per byte, as llama.cpp's decoder does.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        values.reserveCapacity(bytes.count)
        byteStarts.reserveCapacity(bytes.count + 1)
        classes.reserveCapacity(bytes.count)
        var offset = 0
        while offset < bytes.count {
            let (value, length) = Self.decode(bytes, at: offset)
            values.append(value)
            byteStarts.append(offset)
            classes.append(ScalarClass.of(value))
            offset += length
        }
        byteStarts.append(bytes.count)
    }

    var count: Int { values.count }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (UInt32, Int) {
        let lead = bytes[offset]
        if lead < 0x80 { return (UInt32(lead), 1) }
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2 ... 0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0 ... 0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0 ... 0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return (0xFFFD, 1)
        }
        guard offset + length <= bytes.count else { return (0xFFFD, 1) }
        for index in 1 ..< length {
            let byte = bytes[offset + index]
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }
}
