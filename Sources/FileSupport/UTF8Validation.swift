/// The offset of the first byte that does not start a well-formed UTF-8 sequence, or
/// `nil` when all of `bytes` is well-formed.
///
/// Follows the Unicode definition (no overlong forms, no encoded surrogates, nothing
/// above U+10FFFF), which is also what Python's strict `utf-8` codec accepts. The
/// standard library validates too but does not say where it failed, and the offset is
/// what makes a corrupt file diagnosable.
public func firstInvalidUTF8Offset(_ bytes: UnsafeRawBufferPointer) -> Int? {
    let count = bytes.count
    var i = 0
    while i < count {
        // JSON and most token text is ASCII: skip it a word at a time.
        while count - i >= 8, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        guard i < count else { break }
        let lead = bytes[i]
        if lead < 0x80 {
            i += 1
            continue
        }
        // The allowed range of the second byte excludes overlong forms, surrogates and
        // code points above U+10FFFF; later bytes only need to be continuation bytes.
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2 ... 0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1 ... 0xEC, 0xEE ... 0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1 ... 0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return i
        }
        guard count - i >= length else { return i }
        let second = bytes[i + 1]
        guard second >= low, second <= high else { return i }
        for k in 2 ..< length where bytes[i + k] & 0xC0 != 0x80 { return i }
        i += length
    }
    return nil
}
