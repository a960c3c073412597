/// One row of the pre-tokenizer identification table.
public struct PreTokenizerRule: Sendable {
    /// The `tokenizer.ggml.pre` value llama.cpp knows (see llama-vocab.cpp).
    public let pre: String
    /// The pre-tokenizer chain it requires (``PreTokenizerFacts/signature``).
    public let signature: String
    /// The extra fact that singles it out among tokenizers sharing the chain.
    public let condition: String
    /// Who ships this tokenizer.
    public let models: String
    /// The digests llama.cpp's converter maps to ``pre`` (see ``PreTokenizerProbe``), for
    /// the reference tokenizers this row stands for; empty where the row covers many vocabularies.
    public let converterDigests: [String]
    let test: @Sendable (PreTokenizerFacts) -> Bool

    /// Whether the facts have this rule's signature and pass its condition.
    public func matches(_ facts: PreTokenizerFacts) -> Bool {
        facts.signature == signature && test(facts)
    }
}

/// Maps a `tokenizer.json` pre-tokenizer to llama.cpp's `tokenizer.ggml.pre` name.
///
/// The first matching row wins. Rows sharing a signature go from the most specific
/// condition to the least; where two names lead to the same llama.cpp behaviour the
/// row says so.
public enum PreTokenizerTable {
    /// The table, first match wins.
    public static let rules: [PreTokenizerRule] = [
        rule("llama-bpe", "Split(llama3) + ByteLevel", "ignore_merges and a <|begin_of_text|> token",
             "Llama 3, 3.1, 3.2, 3.3",
             digests: ["0ef9807a4087ebef797fc749390439009c3b9eda9ad1a097abbe738f486c01e5"])
             { $0.ignoresMerges && $0.hasToken("<|begin_of_text|>") },
        rule("llama-bpe", "Split(llama3) + ByteLevel", "ignore_merges",
             "other Llama-3-regex tokenizers (Falcon3, Pixtral, ...): same llama.cpp pre-tokenizer") { $0.ignoresMerges },
        rule("smaug-bpe", "Split(llama3) + ByteLevel", "merges not ignored",
             "Llama-3 regex with merges applied (Smaug, DBRX-like)",
             digests: ["c136ed14d01c2745d4f60a9596ae66800e2b61fa45643e72436041855ad4089d"]) { !$0.ignoresMerges },
        rule("deepseek-r1-qwen", "Split(qwen2) + ByteLevel", "a <\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}> token",
             "DeepSeek-R1-Distill-Qwen: Qwen2's regex; llama.cpp's converter tells it apart only by the BOS token it adds",
             digests: ["b3f499bb4255f8ca19fccd664443283318f2fd2414d5e0b040fbdd0cc195d6c5"])
             { $0.hasToken("<\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}>") },
        rule("qwen2", "Split(qwen2) + ByteLevel", "none",
             "Qwen1.5, Qwen2, Qwen2.5, Qwen3",
             digests: ["e636dc30a262dcc0d8c323492e32ae2b70728f4df7dfe9737d9f920a282b8aea",
                       "d4540891389ea895b53b399da6ac824becc30f2fba0e9ddbb98f92e55ca0e97c"]) { _ in true },
        rule("gpt-4o", "Split(gpt4o) + ByteLevel", "none",
             "GPT-4o-style regex (Llama 4 uses the same llama.cpp pre-tokenizer)",
             digests: ["ccc2ef013c104be7bae2965776d611e1d7a8a2a9c547dd93a682c9a9fc80352e"]) { _ in true },
        rule("smollm", "Digits(individual) + ByteLevel(gpt2-regex)", "a <|im_start|> token and 49152 tokens",
             "SmolLM, SmolLM2", digests: ["855059429035d75a914d1eda9f10a876752e281a054a7a3d421ef0533e5b6249"])
             { $0.hasToken("<|im_start|>") && $0.vocabularySize == 49152 },
        rule("starcoder", "Digits(individual) + ByteLevel(gpt2-regex)", "a <fim_prefix> token",
             "StarCoder, StarCoder2", digests: ["35d91631860c815f952d711435f48d356ebac988362536bed955d43bfa436e34"])
             { $0.hasToken("<fim_prefix>") },
        rule("deepseek-v3", "Split(digits-1-3) + Split(deepseek-v3-cjk) + Split(deepseek-v3) + ByteLevel", "none",
             "DeepSeek V3, V3.1, V3.2, V4, R1", digests: ["877081d19cf6996e2c4ff0e1236341e9b7bde288f5311a56a937f0afbbb3aeb5"]) { _ in true },
        rule("deepseek-llm", "Split(newlines) + Split(deepseek-llm-letters) + Split(deepseek-llm-punctuation)"
                + " + Split(trailing-whitespace) + Split(deepseek-cjk) + Digits + ByteLevel", "none",
             "DeepSeek LLM 7B/67B, DeepSeek-MoE, DeepSeek-V2",
             digests: ["049ecf7629871e3041641907f3de7c733e4dbfdc736f57d882ba0b0845599754"]) { _ in true },
        rule("deepseek-coder", "Split(newlines) + Split(letters) + Split(punctuation) + Split(deepseek-cjk)"
                + " + Digits(individual) + ByteLevel", "none",
             "DeepSeek Coder 1.3B/6.7B/33B",
             digests: ["347715f544604f9118bb75ed199f68779f423cabb20db6de6f31b908d04d7821"]) { _ in true },
        rule("gpt-2", "ByteLevel(gpt2-regex)", "none",
             "GPT-2 and plain byte-level BPE (Phi-2, OLMo, MPT share its llama.cpp pre-tokenizer)",
             digests: ["3ce83efda5659b07b1ad37ca97ca5797ea4285d9b9ab0dc679e4a720c9da7454",
                       "0fe1cf6eda062318a1af7270f3331a85c539a01778ff948e24388e949c5282f4"]) { _ in true },
    ]

    /// The name llama.cpp uses when it has no specific pre-tokenizer.
    public static let fallback = "default"

    /// The first matching rule, or `nil`.
    public static func identify(_ facts: PreTokenizerFacts) -> PreTokenizerRule? {
        rules.first { $0.matches(facts) }
    }

    private static func rule(_ pre: String, _ signature: String, _ condition: String, _ models: String,
                             digests: [String] = [],
                             _ test: @escaping @Sendable (PreTokenizerFacts) -> Bool) -> PreTokenizerRule {
        PreTokenizerRule(pre: pre, signature: signature, condition: condition, models: models, converterDigests: digests,
                         test: test)
    }
}
