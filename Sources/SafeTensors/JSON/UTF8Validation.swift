/// Returns the offset of the first byte that does not start a well-formed UTF-8
/// sequence (overlong forms, surrogates and code points above U+10FFFF included),
/// or `nil` when every byte is part of a valid sequence.
///
/// The standard library can validate too, but does not say where the problem is;
/// the offset is what makes a corrupt header diagnosable.
func firstInvalidUTF8Offset(_ bytes: UnsafeRawBufferPointer) -> Int? {
    let count = bytes.count
    var i = 0
    while i < count {
        let lead = bytes[i]
        if lead < 0x80 {
            i += 1
            continue
        }
        // Allowed range for the second byte and how many continuation bytes follow it.
        let secondLow: UInt8, secondHigh: UInt8, trailing: Int
        switch lead {
        case 0xC2 ... 0xDF: (secondLow, secondHigh, trailing) = (0x80, 0xBF, 0)
        case 0xE0: (secondLow, secondHigh, trailing) = (0xA0, 0xBF, 1)
        case 0xE1 ... 0xEC, 0xEE ... 0xEF: (secondLow, secondHigh, trailing) = (0x80, 0xBF, 1)
        case 0xED: (secondLow, secondHigh, trailing) = (0x80, 0x9F, 1)
        case 0xF0: (secondLow, secondHigh, trailing) = (0x90, 0xBF, 2)
        case 0xF1 ... 0xF3: (secondLow, secondHigh, trailing) = (0x80, 0xBF, 2)
        case 0xF4: (secondLow, secondHigh, trailing) = (0x80, 0x8F, 2)
        default: return i
        }
        guard count - i > 1 + trailing else { return i }
        let second = bytes[i + 1]
        guard second >= secondLow, second <= secondHigh else { return i }
        var k = 0
        while k < trailing {
            guard bytes[i + 2 + k] & 0xC0 == 0x80 else { return i }
            k += 1
        }
        i += 2 + trailing
    }
    return nil
}
