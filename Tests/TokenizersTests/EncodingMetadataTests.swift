import GGUF
import Testing
@testable import Tokenizers

/// Metadata the encoders refuse, and how they say so.
@Suite("encoder metadata errors")
struct EncodingMetadataTests {
    private func error(_ metadata: GGUFMetadata) -> TokenizersError? {
        do {
            _ = try TokenizerFactory.make(metadata: metadata)
            return nil
        } catch let error as TokenizersError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    private func changed(_ metadata: GGUFMetadata, _ key: String, _ value: GGUFValue?) -> GGUFMetadata {
        var copy = metadata
        copy[key] = value
        return copy
    }

    @Test("missing keys name the key")
    func missingKeys() {
        let bpe = TinyVocabularies.bpe()
        #expect(error(changed(bpe, GGUFKey.tokenizerModel, nil)) == .missingMetadata(key: GGUFKey.tokenizerModel))
        #expect(error(changed(bpe, GGUFKey.tokenizerTokens, nil)) == .missingMetadata(key: GGUFKey.tokenizerTokens))
        #expect(error(changed(bpe, GGUFKey.tokenizerMerges, nil)) == .missingMetadata(key: GGUFKey.tokenizerMerges))
    }

    @Test("wrongly typed values name the key and, for arrays, the element")
    func wrongTypes() {
        let spm = TinyVocabularies.spm()
        guard case let .invalidMetadata(key, index, _) = error(changed(spm, GGUFKey.tokenizerModel, .uint32(1))) else {
            Issue.record("model as a number was accepted")
            return
        }
        #expect(key == GGUFKey.tokenizerModel && index == nil)
        let mixed = GGUFValue.array(.string, [.string("a"), .uint8(1)])
        #expect(error(changed(spm, GGUFKey.tokenizerTokens, mixed)).map(\.description)?.contains("tokenizer.ggml.tokens[1]") == true)
        #expect(error(changed(spm, GGUFKey.tokenizerScores, .float32s([0, 1]))).map(\.description)?.contains("2 scores for") == true)
        #expect(error(changed(spm, GGUFKey.tokenizerTokenType, .int32s([1]))).map(\.description)?.contains("1 entries for") == true)
        #expect(error(changed(spm, GGUFKey.addBOSToken, .string("yes"))).map(\.description)?.contains("expected a bool") == true)
        #expect(error(changed(spm, GGUFKey.bosTokenID, .int32(-1))).map(\.description)?.contains("non-negative") == true)
    }

    @Test("unsupported tokenizer models are refused")
    func unsupportedModel() {
        let result = error(changed(TinyVocabularies.spm(), GGUFKey.tokenizerModel, .string("bert")))
        #expect(result.map(\.description)?.contains("\"bert\" is not supported") == true)
    }

    @Test("duplicate token texts are refused, as llama.cpp cannot load them")
    func duplicates() {
        let result = error(changed(TinyVocabularies.spm(), GGUFKey.tokenizerTokens, .strings(["<unk>", "a", "a"])))
        guard case let .invalidMetadata(_, index, reason) = result else {
            Issue.record("duplicate tokens were accepted")
            return
        }
        #expect(index == 2 && reason.contains("duplicates token 1"))
    }

    @Test("texts that differ only in normalization are different tokens")
    func exactTexts() throws {
        var metadata = TinyVocabularies.spm(byteFallback: false, addSpacePrefix: false)
        metadata[GGUFKey.tokenizerTokens] = .strings(["<unk>", "<s>", "</s>", "é", "e\u{301}", "e", "\u{301}", "▁", "a", "b", "c", "d"])
        let tokenizer = try TokenizerFactory.make(metadata: metadata)
        #expect(try tokenizer.encode("é", addSpecial: false, parseSpecial: false) == [3])
        #expect(try tokenizer.encode("e\u{301}", addSpecial: false, parseSpecial: false) == [4])
    }

    @Test("asking for BOS without a BOS id is an error at encode time; out-of-range ids fall back")
    func missingBOS() throws {
        // gpt2's default BOS id is 11, outside this vocabulary, so there is none.
        let tiny = GGUFMetadata([
            (GGUFKey.tokenizerModel, .string("gpt2")), (GGUFKey.tokenizerPre, .string("gpt-2")),
            (GGUFKey.tokenizerTokens, .strings(["a", "b"])), (GGUFKey.tokenizerMerges, .strings(["a b"])),
            (GGUFKey.addBOSToken, .bool(true)), (GGUFKey.eosTokenID, .uint32(99)),
        ])
        let tokenizer = try TokenizerFactory.make(metadata: tiny)
        #expect(tokenizer.bosTokenID == nil && tokenizer.eosTokenID == nil)
        #expect(throws: TokenizersError.missingSpecialToken(role: "BOS", key: GGUFKey.bosTokenID)) {
            try tokenizer.encode("ab")
        }
        // "ab" merges into a text with no token, which llama.cpp spells byte by byte.
        #expect(try tokenizer.encode("ab", addSpecial: false, parseSpecial: false) == [0, 1])
    }
}
