import GGUF
import Testing
@testable import Tokenizers

/// SentencePiece-style encoding on the hand-made vocabulary of ``TinyVocabularies/spm(byteFallback:addSpacePrefix:addEOS:)``.
@Suite("SentencePiece encoding")
struct SentencePieceEncodingTests {
    let ids = TinyVocabularies.SPM(byteFallback: true)

    private func tokenizer(byteFallback: Bool = true, addSpacePrefix: Bool? = nil, addEOS: Bool? = nil) throws -> any TextTokenizer {
        try TokenizerFactory.make(metadata: TinyVocabularies.spm(byteFallback: byteFallback, addSpacePrefix: addSpacePrefix, addEOS: addEOS))
    }

    @Test("BOS first and a leading space by default; the best-scoring pair merges first")
    func defaults() throws {
        let tokenizer = try tokenizer()
        // "bc" (-0.5) merges before "ab" (-1), then "abc"; "▁a" (-3) never gets a chance.
        #expect(try tokenizer.encode("abc") == [1, ids.space, ids.abc])
        #expect(try tokenizer.encode("ab") == [1, ids.space, ids.ab])
        #expect(tokenizer.addsBOS && !tokenizer.addsEOS && tokenizer.addsSpacePrefix)
        #expect(tokenizer.bosTokenID == 1 && tokenizer.eosTokenID == 2)
    }

    @Test("equal scores merge leftmost first")
    func leftmostFirst() throws {
        #expect(try tokenizer().encode("aaa", addSpecial: false, parseSpecial: false) == [ids.space, ids.aa, ids.a])
    }

    @Test("spaces become U+2581 and are merged like any character")
    func spaces() throws {
        let tokenizer = try tokenizer(addSpacePrefix: false)
        #expect(try tokenizer.encode("a b", addSpecial: false, parseSpecial: false) == [ids.a, ids.space, ids.b])
        #expect(try tokenizer.encode(" a", addSpecial: false, parseSpecial: false) == [ids.spaceA])
    }

    @Test("characters without a piece are spelled with <0xXX> byte pieces")
    func byteFallback() throws {
        #expect(try tokenizer().encode("é", addSpecial: false, parseSpecial: false) == [ids.space, ids.byte(0xC3), ids.byte(0xA9)])
    }

    @Test("without byte pieces an unknown character becomes <unk>, one per byte")
    func unknownWithoutBytes() throws {
        let plain = TinyVocabularies.SPM(byteFallback: false)
        #expect(try tokenizer(byteFallback: false).encode("aé", addSpecial: false, parseSpecial: false) == [plain.spaceA, 0, 0])
    }

    @Test("text after a parsed special token gets the space prefix again, as in llama.cpp")
    func prefixAfterSpecial() throws {
        let tokenizer = try tokenizer()
        #expect(try tokenizer.encode("a</s>b", addSpecial: false, parseSpecial: true) == [ids.spaceA, 2, ids.space, ids.b])
        // Unparsed, the control text is ordinary characters (spelled in bytes here).
        let plain = try tokenizer.encode("</s>", addSpecial: false, parseSpecial: false)
        #expect(plain == [ids.space] + "</s>".utf8.map { ids.byte($0) })
    }

    @Test("add_eos_token appends EOS")
    func eos() throws {
        #expect(try tokenizer(addEOS: true).encode("b") == [1, ids.space, ids.b, 2])
    }

    @Test("empty text gives BOS only (no lone space)")
    func empty() throws {
        #expect(try tokenizer().encode("") == [1])
    }
}
