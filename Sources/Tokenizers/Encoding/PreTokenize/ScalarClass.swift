/// The Unicode facts the pre-tokenizer regexes ask about a scalar, as bits: `\p{L}`,
/// `\p{N}`, `\p{P}`, `\p{M}`, `\p{S}` and `\s` (the White_Space set llama.cpp's tables use).
enum ScalarClass {
    static let letter: UInt8 = 1 << 0
    static let number: UInt8 = 1 << 1
    static let whitespace: UInt8 = 1 << 2
    static let punctuation: UInt8 = 1 << 3
    static let mark: UInt8 = 1 << 4
    static let symbol: UInt8 = 1 << 5

    /// Precomputed classes for ASCII, the overwhelmingly common case.
    private static let ascii: [UInt8] = (0 ..< 128).map { compute(UInt32($0)) }

    static func of(_ value: UInt32) -> UInt8 {
        value < 128 ? ascii[Int(value)] : compute(value)
    }

    /// The Unicode version of llama.cpp's category tables (unicode-data.cpp). Characters
    /// encoded later are unassigned there, so they count as neither letters nor numbers.
    static let tableVersion = (major: 15, minor: 1)

    private static func compute(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return 0 }
        var bits: UInt8 = isWhitespace(value) ? whitespace : 0
        if let age = scalar.properties.age, (age.major, age.minor) > tableVersion { return bits }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            bits |= letter
        case .decimalNumber, .letterNumber, .otherNumber:
            bits |= number
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            bits |= punctuation
        case .nonspacingMark, .spacingMark, .enclosingMark:
            bits |= mark
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            bits |= symbol
        default:
            break
        }
        return bits
    }

    /// The White_Space property, spelled out so it cannot drift with the platform's tables.
    private static func isWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09 ... 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000 ... 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
