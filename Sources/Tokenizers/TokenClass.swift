/// A coarse kind of token, read from the token's decoded text, so quality can be
/// reported separately for Chinese characters, punctuation, digits and so on.
///
/// The first non-whitespace character decides (a token like " 123" is digits); a token of
/// whitespace only is whitespace; special tokens (no text) are `other`, as are letters of
/// alphabetic scripts. Alone, a piece of a multi-byte character decodes to U+FFFD and is
/// `other` too; ``classes(of:tokenizer:)`` gives it its character's class instead.
public enum TokenClass: String, CaseIterable, Sendable, Codable {
    case cjk = "CJK characters"
    case cjkPunctuation = "CJK punctuation"
    case asciiPunctuation = "ASCII punctuation"
    case digits
    case whitespace
    case codeSymbols = "code symbols"
    case other

    /// The class of a token's text.
    public init(text: String) {
        guard let first = text.unicodeScalars.first(where: { !$0.properties.isWhitespace }) else {
            self = text.isEmpty ? .other : .whitespace
            return
        }
        self = Self.of(first)
    }

    /// The class of the token `id` of `tokenizer`, from its bytes (special tokens included).
    public init(token id: Int32, of tokenizer: any TextTokenizer) {
        self.init(text: String(decoding: tokenizer.pieceBytes(id, special: false), as: UTF8.self))
    }

    /// The class of each token of a sequence, read in context: a token holding only part of
    /// a character (byte-level vocabularies split most CJK characters that way) takes the
    /// class of the whole character.
    public static func classes(of tokens: [Int32], tokenizer: any TextTokenizer) -> [TokenClass] {
        var stream: [UInt8] = []
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(tokens.count)
        for token in tokens {
            let bytes = tokenizer.pieceBytes(token, special: false)
            ranges.append(stream.count ..< stream.count + bytes.count)
            stream += bytes
        }
        func isContinuation(_ index: Int) -> Bool { index < stream.count && stream[index] & 0xC0 == 0x80 }
        return ranges.map { range in
            guard !range.isEmpty else { return .other }
            // Widen to whole characters: back to the lead byte, on past the last continuation.
            var start = range.lowerBound, end = range.upperBound
            while start > 0, range.lowerBound - start < 3, isContinuation(start) { start -= 1 }
            while end - range.upperBound < 3, isContinuation(end) { end += 1 }
            return TokenClass(text: String(decoding: stream[start ..< end], as: UTF8.self))
        }
    }

    private static func of(_ scalar: Unicode.Scalar) -> TokenClass {
        let value = scalar.value
        if value < 0x80 {
            if scalar.properties.numericType == .decimal { return .digits }
            // Brackets, operators and sigils that mark code; sentence punctuation stays apart.
            if "{}[]<>=+*/\\|&^%~`@#$_".unicodeScalars.contains(scalar) { return .codeSymbols }
            if "!\"'(),-.:;?".unicodeScalars.contains(scalar) { return .asciiPunctuation }
            return .other
        }
        switch value {
        case 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF, 0xF900 ... 0xFAFF, 0x20000 ... 0x3FFFF,  // Han
             0x3040 ... 0x30FF, 0x31F0 ... 0x31FF,  // kana
             0x1100 ... 0x11FF, 0x3130 ... 0x318F, 0xAC00 ... 0xD7AF:  // Hangul
            return .cjk
        case 0x3000 ... 0x303F,  // CJK symbols and punctuation
             0xFE10 ... 0xFE1F, 0xFE30 ... 0xFE6F,  // vertical, compatibility and small forms
             0xFF01 ... 0xFF0F, 0xFF1A ... 0xFF20, 0xFF3B ... 0xFF40, 0xFF5B ... 0xFF65:  // fullwidth punctuation
            return .cjkPunctuation
        default:
            return scalar.properties.numericType == .decimal ? .digits : .other
        }
    }
}
