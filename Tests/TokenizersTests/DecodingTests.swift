import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

/// Token ids back to text: whole sequences, single pieces and streaming.
@Suite("decoding")
struct DecodingTests {
    static let ordinaryTexts = [
        "Hello world", "   hello  world", "tabs\tand\nnewlines\n\n", "café naïve", "don't I'll", "12345 1.5e10",
        "🦙👍🏽", "日本語のテキスト", "trailing   ", "", " ",
    ]

    private static func committed(_ name: String, _ change: (inout GGUFMetadata) -> Void = { _ in }) throws -> any TextTokenizer {
        var metadata = try Goldens.metadata(name)
        change(&metadata)
        return try TokenizerFactory.make(metadata: metadata)
    }

    @Test("decode(encode(x)) == x for the committed tiny tokenizers", .enabled(if: GoldenEncodingTests.hasGoldens),
          arguments: ["tiny-bpe", "tiny-spm", "tiny-spm without prefix"])
    func roundTrip(name: String) throws {
        let tokenizer = try Self.committed(String(name.prefix(8))) { metadata in
            if name.hasSuffix("without prefix") { metadata[GGUFKey.addSpacePrefix] = .bool(false) }
        }
        for text in Self.ordinaryTexts {
            #expect(tokenizer.decode(try tokenizer.encode(text)) == text, "\(String(reflecting: text))")
        }
    }

    @Test("decode(encode(x)) == x for the real tokenizers on shared text",
          .enabled(ifAvailable: RealTokenizers.hasSmolLM2 && RealTokenizers.hasStories, "needs the SmolLM2 fixture and ../shared"))
    func realRoundTrip() throws {
        let text = try SharedText.prefix(SharedText.wiki, bytes: 20000)
        for model in ["smollm2", "stories260K"] {
            let tokenizer = try TokenizerFactory.make(metadata: RealTokenizers.metadata(model: model))
            #expect(tokenizer.decode(try tokenizer.encode(text)) == text, "\(model)")
        }
    }

    @Test("control tokens decode to nothing, but piece() shows their text")
    func controlTokens() throws {
        let tokenizer = try TokenizerFactory.make(metadata: TinyVocabularies.bpe())
        typealias T = TinyVocabularies.BPE
        #expect(tokenizer.decode([T.bos, T.hello, T.end, T.tool]) == "hello<tool>")
        #expect(tokenizer.piece(T.end) == "<|end|>")
        #expect(tokenizer.piece(T.spaceWorld) == " world")
        #expect(tokenizer.piece(-1) == "" && tokenizer.piece(100_000) == "")
        #expect(tokenizer.pieceBytes(T.end, special: false) == [])
    }

    @Test("a lone byte piece decodes to U+FFFD; the SentencePiece dummy space is dropped once")
    func replacementAndPrefix() throws {
        let tokenizer = try TokenizerFactory.make(metadata: TinyVocabularies.spm())
        let ids = TinyVocabularies.SPM(byteFallback: true)
        #expect(tokenizer.decode([ids.byte(0xC3)]) == "\u{FFFD}")
        #expect(tokenizer.piece(ids.byte(0xC3)) == "\u{FFFD}")
        #expect(tokenizer.decode([1, ids.space, ids.space, ids.a]) == " a")
        #expect(tokenizer.piece(ids.spaceA) == " a")
    }

    @Test("streaming holds back a character split across byte tokens")
    func incremental() throws {
        let tokenizer = try TokenizerFactory.make(metadata: TinyVocabularies.spm(addSpacePrefix: false))
        let text = "a🦙b👍🏽"
        let tokens = try tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        #expect(tokens.count == 2 + 4 + 8)  // a, b and the emoji's 12 bytes as byte pieces
        var decoder = IncrementalDecoder(tokenizer: tokenizer)
        var chunks: [String] = []
        for token in tokens {
            chunks.append(decoder.append(token))
        }
        chunks.append(decoder.finish())
        #expect(chunks.joined() == text)
        #expect(!chunks.joined().contains("\u{FFFD}"))
        // The llama comes out whole on its fourth byte, not before.
        #expect(chunks[1 ... 3] == ["", "", ""])
        #expect(chunks[4] == "🦙")
    }

    @Test("streaming releases invalid bytes as U+FFFD instead of holding them forever")
    func incrementalInvalid() throws {
        let tokenizer = try TokenizerFactory.make(metadata: TinyVocabularies.spm(addSpacePrefix: false))
        let ids = TinyVocabularies.SPM(byteFallback: true)
        var decoder = IncrementalDecoder(tokenizer: tokenizer)
        #expect(decoder.append(ids.byte(0xF0)) == "")
        #expect(decoder.append(ids.a) == "\u{FFFD}a")
        #expect(decoder.append(ids.byte(0xE6)) == "")
        #expect(decoder.finish() == "\u{FFFD}")
    }

    @Test("the complete-prefix rule", arguments: [
        ([UInt8](), 0), ([0x61], 1), ([0xC3], 0), ([0xC3, 0xA9], 2), ([0x61, 0xE6, 0x97], 1),
        ([0xF0, 0x9F, 0xA6, 0x99], 4), ([0x80], 1), ([0x61, 0xF0, 0x9F, 0xA6], 1),
    ])
    func completePrefix(bytes: [UInt8], expected: Int) {
        #expect(IncrementalDecoder.completePrefixLength(bytes) == expected)
    }
}
