import GGUF
import Testing
@testable import Tokenizers

/// Byte-level BPE on the hand-made vocabulary of ``TinyVocabularies/bpe(pre:addBOS:addEOS:withoutBytes:)``.
@Suite("byte-level BPE")
struct BytePairEncodingTests {
    typealias T = TinyVocabularies.BPE

    private func tokenizer(pre: String = "gpt-2", addBOS: Bool? = false, addEOS: Bool? = nil,
                           withoutBytes: Set<Int> = []) throws -> any TextTokenizer {
        try TokenizerFactory.make(metadata: TinyVocabularies.bpe(pre: pre, addBOS: addBOS, addEOS: addEOS, withoutBytes: withoutBytes))
    }

    private func bytes(_ text: String) -> [Int32] {
        text.utf8.map { Int32($0) }
    }

    @Test("merges apply by rank until none is left, word by word")
    func mergesByRank() throws {
        let tokenizer = try tokenizer()
        #expect(try tokenizer.encode("hello world") == [T.hello, T.spaceWorld])
        // "he" (rank 1) beats "el" (rank 9) although both start the word.
        #expect(try tokenizer.encode("hel") == [T.he, T.byte("l")])
        // "ll" (rank 0) beats "el" (rank 9) although "el" is further left.
        #expect(try tokenizer.encode("ell") == [T.byte("e"), T.ll])
    }

    @Test("equal ranks merge leftmost first")
    func leftmostFirst() throws {
        #expect(try tokenizer().encode("lll") == [T.ll, T.byte("l")])
    }

    @Test("bytes outside the merges map through the byte-level alphabet")
    func byteLevelCharacters() throws {
        // é is C3 A9; the space of " é" is byte 0x20 (Ġ).
        #expect(try tokenizer().encode("é é") == [0xC3, 0xA9, 0x20, 0xC3, 0xA9])
    }

    @Test("a byte whose character is missing is dropped, as llama.cpp does")
    func missingByteToken() throws {
        // "!" has no token; its fallback is the one-byte text "!", also missing.
        #expect(try tokenizer(withoutBytes: [0x21]).encode("a!b") == [T.byte("a"), T.byte("b")])
    }

    @Test("Llama-3 names take whole words already in the vocabulary without merging")
    func ignoreMerges() throws {
        #expect(try tokenizer(pre: "gpt-2").encode("xyz") == bytes("xyz"))
        #expect(try tokenizer(pre: "llama-bpe").encode("xyz") == [T.xyz])
        #expect(try tokenizer(pre: "smaug-bpe").encode("xyz") == bytes("xyz"))
    }

    @Test("repeated words give the same ids as a first occurrence (word cache)")
    func cacheIsTransparent() throws {
        let tokenizer = try tokenizer()
        let once = try tokenizer.encode(" hello")
        #expect(try tokenizer.encode(" hello hello hello") == once + once + once)
    }

    @Test("USER_DEFINED tokens are always split out, CONTROL tokens only when parsing special text",
          arguments: [false, true])
    func specialTokens(parseSpecial: Bool) throws {
        let tokenizer = try tokenizer()
        #expect(try tokenizer.encode("a<tool>b", addSpecial: false, parseSpecial: parseSpecial) == [T.byte("a"), T.tool, T.byte("b")])
        let end = try tokenizer.encode("a<|end|>", addSpecial: false, parseSpecial: parseSpecial)
        #expect(end == (parseSpecial ? [T.byte("a"), T.end] : bytes("a<|end|>")))
    }

    @Test("BOS and EOS follow add_bos_token / add_eos_token and addSpecial")
    func bosAndEOS() throws {
        #expect(try tokenizer(addBOS: true, addEOS: true).encode("he") == [T.bos, T.he, T.eos])
        #expect(try tokenizer(addBOS: true, addEOS: true).encode("he", addSpecial: false, parseSpecial: false) == [T.he])
        #expect(try tokenizer(addBOS: false).encode("he") == [T.he])
        // Without the key, Llama 3 names add BOS and the GPT-2 name does not.
        #expect(try tokenizer(pre: "llama-bpe", addBOS: nil).encode("he") == [T.bos, T.he])
        #expect(try tokenizer(pre: "gpt-2", addBOS: nil).encode("he") == [T.he])
        let made = try tokenizer(addBOS: true, addEOS: true)
        #expect(made.bosTokenID == T.bos && made.eosTokenID == T.eos && made.addsBOS && made.addsEOS && !made.addsSpacePrefix)
    }

    @Test("empty text gives only what addSpecial adds")
    func emptyText() throws {
        #expect(try tokenizer(addBOS: true).encode("") == [T.bos])
        #expect(try tokenizer(addBOS: true).encode("", addSpecial: false, parseSpecial: true) == [])
    }

    @Test("special-token text is split from left to right without overlaps")
    func specialPartition() throws {
        let tokenizer = try tokenizer()
        #expect(try tokenizer.encode("<tool><tool>x<tool>") == [T.tool, T.tool, T.byte("x"), T.tool])
        #expect(try tokenizer.encode("<|end|><tool>", addSpecial: false, parseSpecial: true) == [T.end, T.tool])
    }
}
