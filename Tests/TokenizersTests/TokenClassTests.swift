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
}
