/// GPT-2's byte-level alphabet: every byte gets a printable character so that BPE
/// vocabularies can be stored as text. Printable Latin-1 bytes stand for themselves;
/// the other 68 bytes take U+0100 upwards in byte order.
enum ByteLevelAlphabet {
    /// The character (as a scalar value) standing for each byte.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0 ..< 256 {
            if isPrintable(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 encoding of each byte's character (one or two bytes).
    static let utf8ForByte: [[UInt8]] = scalarForByte.map { Array(String(Unicode.Scalar($0)!).utf8) }

    /// Byte for a scalar value below ``scalarLimit``, or -1 when the scalar is not in the alphabet.
    static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: Int(scalarLimit))
        for (byte, scalar) in scalarForByte.enumerated() {
            table[Int(scalar)] = Int16(byte)
        }
        return table
    }()

    /// One past the largest scalar value in the alphabet.
    static let scalarLimit: UInt32 = 256 + 68

    private static func isPrintable(_ byte: Int) -> Bool {
        (0x21 ... 0x7E).contains(byte) || (0xA1 ... 0xAC).contains(byte) || (0xAE ... 0xFF).contains(byte)
    }

    /// The raw bytes a byte-level token text stands for, or `nil` when some character
    /// is outside the alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            guard scalar.value < scalarLimit else { return nil }
            let byte = byteForScalar[Int(scalar.value)]
            guard byte >= 0 else { return nil }
            bytes.append(UInt8(byte))
        }
        return bytes
    }

    /// Appends the byte-level encoding of `bytes`.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        for byte in bytes {
            output.append(contentsOf: utf8ForByte[Int(byte)])
        }
    }
}
