import Testing
@testable import Tokenizers

@Suite("token classes")
struct TokenClassTests {
    @Test("a token's class comes from its first non-space character", arguments: [
        ("中", TokenClass.cjk), ("我想", .cjk), (" 工作", .cjk), ("テスト", .cjk), ("한국", .cjk),
        ("，", .cjkPunctuation), ("。", .cjkPunctuation), ("「", .cjkPunctuation), ("！", .cjkPunctuation), ("、", .cjkPunctuation), ("\u{3000}x", .other),
        (".", .asciiPunctuation), (" (", .asciiPunctuation), ("?!", .asciiPunctuation), ("'s", .asciiPunctuation),
        ("123", .digits), (" 4", .digits), ("٣", .digits),
        (" ", .whitespace), ("\n\n", .whitespace), ("\t", .whitespace), ("\u{3000}", .whitespace),
        ("{", .codeSymbols), (" ==", .codeSymbols), ("->", .asciiPunctuation), ("_init", .codeSymbols), ("#", .codeSymbols),
        ("the", .other), (" Привет", .other), ("🚀", .other), ("\u{FFFD}", .other), ("", .other),
    ] as [(String, TokenClass)])
    func classes(text: String, expected: TokenClass) {
        #expect(TokenClass(text: text) == expected, "\(String(reflecting: text))")
    }

    /// One token per byte (ids 0-255), plus a special token 256 with no text.
    struct ByteTokenizer: TextTokenizer {
        var vocabularySize: Int { 257 }
        var bosTokenID: Int32? { 256 }
        var eosTokenID: Int32? { nil }
        var addsBOS: Bool { false }
        var addsEOS: Bool { false }
        var addsSpacePrefix: Bool { false }
        func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] { text.utf8.map(Int32.init) }
        func pieceBytes(_ token: Int32, special: Bool) -> [UInt8] { token < 256 ? [UInt8(token)] : [] }
    }

    @Test("in context, the bytes of one character take that character's class")
    func bytesInContext() {
        let tokenizer = ByteTokenizer()
        let tokens: [Int32] = [256] + tokenizer.encode("中a，7 ", addSpecial: false, parseSpecial: false)
        let expected: [TokenClass] = [.other, .cjk, .cjk, .cjk, .other, .cjkPunctuation, .cjkPunctuation, .cjkPunctuation,
                                      .digits, .whitespace]
        #expect(TokenClass.classes(of: tokens, tokenizer: tokenizer) == expected)
        // Alone, a continuation byte is not a character.
        #expect(TokenClass(token: tokens[2], of: tokenizer) == .other)
    }
}
