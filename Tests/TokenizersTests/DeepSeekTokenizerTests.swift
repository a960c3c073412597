import FileSupport
import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

/// The DeepSeek pre-tokenizers against the `tokenizers` package: the real DeepSeek V3
/// tokenizer (../shared/tokenizers/deepseek-v3) id for id, and the deepseek-llm and
/// deepseek-coder chains, whose tokenizer files are not among the shared assets, piece
/// for piece through pre-tokenizers built from the same regexes.
@Suite("DeepSeek tokenizers")
struct DeepSeekTokenizerTests {
    static var v3Folder: String? { TestAssets.shared("tokenizers/deepseek-v3") }
    static let hasTokenizers = Python.canImport("tokenizers")

    /// llama.cpp's pre-tokenizer probe text, then the cases that tell the regexes apart.
    static let trickyTexts: [String] = [
        "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u{200D}🌫️ (multiple emojis concatenated) ✅ 🦙🦙 3 33 333 3333 "
            + "33333 333333 3333333 33333333 3.3 3..3 3...3 កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на "
            + "Български ''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, "
            + "'D you like some tea? We'Ve a'lL",
        "Hello, world! It's 2024-11-30; e-mail me at a.b@example.com (or don't).",
        "我想在北京工作，你呢？「引号」和《书名》。今天是2024年11月30日。",
        "日本語のテキスト：ひらがな、カタカナ、漢字。한국어 문장입니다.",
        "naïve café Ωmega ΑΒΓ Привет, мир! e\u{301} ＡＢＣ！？ ｈｉ",
        "def f(x):\n\treturn x**2  # square\r\n\nif __name__ == \"__main__\":\n    print(f(3))   \n",
        "١٢٣ ٤٥ 3.14159 1,000,000 ½ ² 10000000000",
        "👨\u{200D}👩\u{200D}👧 👍🏽 🇨🇳 ❤️ ☕️",
        "trailing spaces   ",
        "   ",
        "\n",
        "word\u{00A0}nbsp \u{00A0} x",
    ]

    /// Each pre-tokenizer's steps in the `tokenizers` package's terms: Split regexes by
    /// their name in ``PreTokenizerFacts/knownSplitRegexes``, or Digits.
    enum Step { case split(String), digits(individual: Bool) }

    static let chains: [String: [Step]] = [
        "deepseek-v3": [.split("digits-1-3"), .split("deepseek-v3-cjk"), .split("deepseek-v3")],
        "deepseek-llm": [.split("newlines"), .split("deepseek-llm-letters"), .split("deepseek-llm-punctuation"),
                         .split("trailing-whitespace"), .split("deepseek-cjk"), .digits(individual: false)],
        "deepseek-coder": [.split("newlines"), .split("letters"), .split("punctuation"), .split("deepseek-cjk"),
                           .digits(individual: true)],
    ]

    static func regex(_ name: String) throws -> String {
        try #require(PreTokenizerFacts.knownSplitRegexes.first { $0.name == name }?.pattern, "no regex named \(name)")
    }

    /// The pre-tokenizer of a `tokenizer.json` with these steps and the usual ByteLevel tail.
    static func preTokenizerJSON(_ steps: [Step]) throws -> JSONValue {
        var items: [JSONValue] = []
        for step in steps {
            switch step {
            case let .split(name):
                items.append(.object(JSONObject([
                    ("type", .string("Split")), ("pattern", .object(JSONObject([("Regex", .string(try regex(name)))]))),
                    ("behavior", .string("Isolated")), ("invert", .bool(false)),
                ])))
            case let .digits(individual):
                items.append(.object(JSONObject([("type", .string("Digits")), ("individual_digits", .bool(individual))])))
            }
        }
        items.append(.object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
                                         ("trim_offsets", .bool(true)), ("use_regex", .bool(false))])))
        return .object(JSONObject([("type", .string("Sequence")), ("pretokenizers", .array(items))]))
    }

    /// Our pieces for `text`.
    static func pieces(_ pre: String, _ text: String) throws -> [String] {
        let splitter = try BPEPreTokenizer.named(pre)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            let scalars = ScalarText(buffer)
            var first = 0
            return splitter.split(scalars).map { length in
                defer { first += length }
                return String(decoding: buffer[scalars.byteStarts[first] ..< scalars.byteStarts[first + length]], as: UTF8.self)
            }
        }
    }

    static let pythonPieces = """
        import json, sys
        from tokenizers import pre_tokenizers, Regex
        spec = json.load(open(sys.argv[1], encoding="utf-8"))
        steps = [pre_tokenizers.Split(Regex(v), behavior="isolated") if k == "split"
                 else pre_tokenizers.Digits(individual_digits=v) for k, v in spec["steps"]]
        pre = pre_tokenizers.Sequence(steps)
        print(json.dumps([[p for p, _ in pre.pre_tokenize_str(t)] for t in spec["texts"]]))
        """

    static let pythonIDs = """
        import json, sys
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(sys.argv[1])
        texts = json.load(open(sys.argv[2], encoding="utf-8"))
        print(json.dumps([tok.encode(t, add_special_tokens=False).ids for t in texts]))
        """

    static func writeJSON(_ object: Any, to path: String) throws {
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
    }

    @Test("each DeepSeek chain in a tokenizer.json is identified by name", arguments: ["deepseek-v3", "deepseek-llm", "deepseek-coder"])
    func identifiesChains(pre: String) throws {
        let signature = PreTokenizerFacts.signature(of: try Self.preTokenizerJSON(try #require(Self.chains[pre])))
        let facts = PreTokenizerFacts(signature: signature, ignoresMerges: false, vocabularySize: 100_000,
                                      tokenizerClass: nil, tokens: [])
        #expect(PreTokenizerTable.identify(facts)?.pre == pre, "\(signature)")
    }

    @Test("the real DeepSeek V3 tokenizer.json is identified as deepseek-v3",
          .enabled(ifAvailable: v3Folder != nil, "needs ../shared/tokenizers/deepseek-v3 (set GGUFKIT_SHARED)"))
    func identifiesRealV3() throws {
        let log = LogLines()
        var options = log.options(recipe: .sentencePieceThenBPE)
        options.checksConverterDigest = true
        let metadata = try HFTokenizerLoader.metadata(directory: try #require(Self.v3Folder), vocabSize: nil, options: options)
        #expect(metadata["tokenizer.ggml.pre"] == .string("deepseek-v3"))
        #expect(metadata["tokenizer.ggml.model"] == .string("gpt2"))
        // llama.cpp's converter hashed the ids of DeepSeek V3's tokenizer, which adds BOS.
        #expect(log.contains("the probe text gives llama.cpp's converter digest for \"deepseek-v3\""))
        let rule = try #require(PreTokenizerTable.rules.first { $0.pre == "deepseek-v3" })
        #expect(try PreTokenizerProbe.digests(metadata: metadata).last == rule.converterDigests.first)
    }

    @Test("Qwen2's regex with DeepSeek's BOS token is deepseek-r1-qwen, without it qwen2")
    func r1Qwen() {
        let signature = "Split(qwen2) + ByteLevel"
        let distilled = PreTokenizerFacts(signature: signature, ignoresMerges: false, vocabularySize: 151_643, tokenizerClass: nil,
                                          tokens: ["<\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}>", "<|im_start|>"])
        let qwen = PreTokenizerFacts(signature: signature, ignoresMerges: false, vocabularySize: 151_643, tokenizerClass: nil,
                                     tokens: ["<|endoftext|>", "<|im_start|>"])
        #expect(PreTokenizerTable.identify(distilled)?.pre == "deepseek-r1-qwen")
        #expect(PreTokenizerTable.identify(qwen)?.pre == "qwen2")
    }

    @Test("splitting equals the tokenizers package's pre-tokenizer built from the same regexes",
          .enabled(if: hasTokenizers, "needs python3 with the tokenizers package"),
          arguments: ["deepseek-v3", "deepseek-llm", "deepseek-coder"])
    func splitsLikeTokenizers(pre: String) throws {
        var steps: [[Any]] = []
        for step in try #require(Self.chains[pre]) {
            switch step {
            case let .split(name): steps.append(["split", try Self.regex(name)])
            case let .digits(individual): steps.append(["digits", individual])
            }
        }
        let folder = try TemporaryDirectory()
        try Self.writeJSON(["steps": steps, "texts": Self.trickyTexts], to: folder.file("spec.json"))
        let reference = try Python.jsonValue(Self.pythonPieces, arguments: [folder.file("spec.json")])
        let expected = try #require(reference.arrayValue).map { try #require($0.arrayValue).compactMap(\.stringValue) }
        #expect(expected.count == Self.trickyTexts.count)
        for (text, pieces) in zip(Self.trickyTexts, expected) {
            let ours = try Self.pieces(pre, text)
            #expect(ours.map { Array($0.utf8) } == pieces.map { Array($0.utf8) }, "\(pre): \(String(reflecting: text))")
        }
    }

    /// llama.cpp matches literal classes such as `[一-龥ࠀ-一가-퟿]` after turning every
    /// non-ASCII space into U+000B, so the spaces inside that range (U+2000 to U+200A,
    /// U+3000, ...) stay with the word after them; the `tokenizers` package isolates them
    /// instead. The DeepSeek vocabularies have no token joining such a space to a letter.
    @Test("wide spaces stay with the following word, as in llama.cpp", arguments: ["deepseek-llm", "deepseek-coder"])
    func wideSpaces(pre: String) throws {
        #expect(try Self.pieces(pre, "word\u{3000}space") == ["word", "\u{3000}space"])
        #expect(try Self.pieces(pre, "em\u{2003}space") == ["em", "\u{2003}space"])
        #expect(try Self.pieces(pre, "漢字\u{3000}かな") == ["漢字", "\u{3000}", "かな"])
    }

    @Test("DeepSeek V3 ids equal the tokenizers package's: English, Chinese, code, digits, emoji, special tokens",
          .enabled(ifAvailable: v3Folder != nil, "needs ../shared/tokenizers/deepseek-v3 (set GGUFKIT_SHARED)"),
          .enabled(ifAvailable: TestAssets.shared("text/chinese/fortunes-zh-sample.txt") != nil,
                   "needs ../shared/text (set GGUFKIT_SHARED)"),
          .enabled(if: hasTokenizers, "needs python3 with the tokenizers package"))
    func v3AgainstTokenizers() throws {
        let folder = try #require(Self.v3Folder)
        let chinese = try #require(TestAssets.shared("text/chinese/fortunes-zh-sample.txt"))
        let poems = try #require(TestAssets.shared("text/chinese/song100.txt"))
        var texts: [(name: String, text: String)] = [
            ("wiki.test.raw", try String(contentsOfFile: SharedText.wiki, encoding: .utf8)),
            ("fortunes-zh-sample.txt", try String(contentsOfFile: chinese, encoding: .utf8)),
            ("song100.txt", try String(contentsOfFile: poems, encoding: .utf8)),
            ("special tokens", "<\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}>User: 你好<\u{FF5C}end\u{2581}of\u{2581}sentence\u{FF5C}>"
                + "<\u{FF5C}fim\u{2581}begin\u{FF5C}>def f():<\u{FF5C}fim\u{2581}hole\u{FF5C}><\u{FF5C}fim\u{2581}end\u{FF5C}>"),
        ]
        texts += Self.trickyTexts.map { (String(reflecting: $0), $0) }
        let tokenizer = try TokenizerFactory.make(metadata: HFTokenizerLoader.metadata(
            directory: folder, vocabSize: nil, options: TokenizerMetadataOptions(recipe: .sentencePieceThenBPE)))
        let scratch = try TemporaryDirectory()
        try Self.writeJSON(texts.map(\.text), to: scratch.file("texts.json"))
        let reference = try Python.jsonValue(Self.pythonIDs, arguments: [folder + "/tokenizer.json", scratch.file("texts.json")])
        let expected = try #require(reference.arrayValue).map { try #require($0.arrayValue).compactMap { $0.pythonInt.map(Int32.init) } }
        #expect(expected.count == texts.count)
        for ((name, text), reference) in zip(texts, expected) {
            let ids = try tokenizer.encode(text, addSpecial: false, parseSpecial: true)
            #expect(ids == reference, "\(name): \(firstDifference(ids, reference))")
        }
    }
}
