import FileSupport
import Testing
@testable import Tokenizers

@Suite("pre-tokenizer identification")
struct PreTokenizerTableTests {
    static let llama3Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Regex = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    static func split(_ regex: String) -> JSONValue {
        .object(JSONObject([
            ("type", .string("Sequence")),
            ("pretokenizers", .array([
                .object(JSONObject([("type", .string("Split")), ("pattern", .object(JSONObject([("Regex", .string(regex))]))),
                                    ("behavior", .string("Isolated")), ("invert", .bool(false))])),
                .object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
                                    ("trim_offsets", .bool(true)), ("use_regex", .bool(false))])),
            ])),
        ]))
    }

    static let digitsByteLevel = JSONValue.object(JSONObject([
        ("type", .string("Sequence")),
        ("pretokenizers", .array([
            .object(JSONObject([("type", .string("Digits")), ("individual_digits", .bool(true))])),
            .object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("use_regex", .bool(true))])),
        ])),
    ]))

    static let byteLevelOnly = JSONValue.object(JSONObject([
        ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("use_regex", .bool(true)),
    ]))

    @Test("signatures name the pre-tokenizer chain", arguments: [
        (split(llama3Regex), "Split(llama3) + ByteLevel"),
        (split(qwen2Regex), "Split(qwen2) + ByteLevel"),
        (split("\\d+"), "Split(unknown regex) + ByteLevel"),
        (digitsByteLevel, "Digits(individual) + ByteLevel(gpt2-regex)"),
        (byteLevelOnly, "ByteLevel(gpt2-regex)"),
        (.object(JSONObject([("type", .string("Metaspace"))])), "Metaspace"),
        (.null, "none"),
    ])
    func signatures(preTokenizer: JSONValue, expected: String) {
        #expect(PreTokenizerFacts.signature(of: preTokenizer) == expected)
    }

    @Test("the table maps facts to llama.cpp names", arguments: [
        ("Split(llama3) + ByteLevel", true, 128_256, ["<|begin_of_text|>"], "llama-bpe"),
        ("Split(llama3) + ByteLevel", true, 131_072, [], "llama-bpe"),
        ("Split(llama3) + ByteLevel", false, 128_256, [], "smaug-bpe"),
        ("Split(qwen2) + ByteLevel", false, 151_936, ["<|im_start|>"], "qwen2"),
        ("Split(gpt4o) + ByteLevel", false, 200_000, [], "gpt-4o"),
        ("Digits(individual) + ByteLevel(gpt2-regex)", false, 49152, ["<|im_start|>"], "smollm"),
        ("Digits(individual) + ByteLevel(gpt2-regex)", false, 49152, ["<fim_prefix>"], "starcoder"),
        ("ByteLevel(gpt2-regex)", false, 50257, ["<|endoftext|>"], "gpt-2"),
        ("Digits(individual) + ByteLevel(gpt2-regex)", false, 1000, [], nil),
        ("Metaspace", false, 32000, [], nil),
    ] as [(String, Bool, Int, [String], String?)])
    func table(signature: String, ignoresMerges: Bool, size: Int, tokens: [String], expected: String?) {
        let facts = PreTokenizerFacts(signature: signature, ignoresMerges: ignoresMerges, vocabularySize: size,
                                      tokenizerClass: nil, tokens: tokens)
        #expect(PreTokenizerTable.identify(facts)?.pre == expected)
    }

    @Test("every name in the table is one llama.cpp knows")
    func knownNames() {
        let known: Set<String> = ["llama-bpe", "smaug-bpe", "qwen2", "gpt-4o", "smollm", "starcoder", "gpt-2", "default",
                                   "deepseek-v3", "deepseek-llm", "deepseek-coder", "deepseek-r1-qwen"]
        #expect(PreTokenizerTable.rules.allSatisfy { known.contains($0.pre) })
    }

    @Test("probe digests hash the ids printed as a Python list")
    func probeDigest() {
        #expect(PreTokenizerProbe.digest(of: [1, 2, 3]) == "a36b1f2c3f84522dd1005145646617d7054c0851e97c72a039c0bdfac9fa07f3")
        #expect(PreTokenizerProbe.digest(of: []) == "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945")
        let hex = Set("0123456789abcdef")
        #expect(PreTokenizerTable.rules.flatMap(\.converterDigests).allSatisfy { $0.count == 64 && $0.allSatisfy(hex.contains) })
    }

    @Test("SmolLM2's tokenizer gives the digest llama.cpp's converter lists for smollm",
          .enabled(ifAvailable: RealTokenizers.hasSmolLM2, "needs the SmolLM2 fixture (../shared/scripts/make-smollm2-hf.sh)"))
    func smolLM2Digest() throws {
        let rule = try #require(PreTokenizerTable.rules.first { $0.pre == "smollm" })
        let digests = try PreTokenizerProbe.digests(metadata: RealTokenizers.metadata(model: "smollm2"))
        #expect(digests.first == rule.converterDigests.first)
    }
}
