/// The `tokenizers` ByteLevel decoder for a single token, which the converter applies
/// (through `decode(encode(token))`) to added tokens that are not normalized.
///
/// GPT-2's byte-level alphabet gives each byte a printable character; decoding maps the
/// characters back to bytes and reads them as UTF-8, replacing invalid sequences with
/// U+FFFD. A token with any character outside the alphabet is kept as it is.
enum ByteLevelDecoding {
    /// Character (as a scalar value below 0x144) to byte, or -1.
    private static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        var next = 256
        for byte in 0 ..< 256 {
            let printable = (0x21 ... 0x7E).contains(byte) || (0xA1 ... 0xAC).contains(byte) || (0xAE ... 0xFF).contains(byte)
            let scalar = printable ? byte : next
            if !printable { next += 1 }
            table[scalar] = Int16(byte)
        }
        return table
    }()

    static func decode(_ token: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            let value = Int(scalar.value)
            guard value < byteForScalar.count, byteForScalar[value] >= 0 else { return token }
            bytes.append(UInt8(byteForScalar[value]))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
