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
             "Llama 3, 3.1, 3.2, 3.3") { $0.ignoresMerges && $0.hasToken("<|begin_of_text|>") },
        rule("llama-bpe", "Split(llama3) + ByteLevel", "ignore_merges",
             "other Llama-3-regex tokenizers (Falcon3, Pixtral, ...): same llama.cpp pre-tokenizer") { $0.ignoresMerges },
        rule("smaug-bpe", "Split(llama3) + ByteLevel", "merges not ignored",
             "Llama-3 regex with merges applied (Smaug, DBRX-like)") { !$0.ignoresMerges },
        rule("deepseek-r1-qwen", "Split(qwen2) + ByteLevel", "a <\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}> token",
             "DeepSeek-R1-Distill-Qwen: Qwen2's regex; llama.cpp's converter tells it apart only by the BOS token it adds")
             { $0.hasToken("<\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}>") },
        rule("qwen2", "Split(qwen2) + ByteLevel", "none",
             "Qwen1.5, Qwen2, Qwen2.5, Qwen3") { _ in true },
        rule("gpt-4o", "Split(gpt4o) + ByteLevel", "none",
             "GPT-4o-style regex (Llama 4 uses the same llama.cpp pre-tokenizer)") { _ in true },
        rule("smollm", "Digits(individual) + ByteLevel(gpt2-regex)", "a <|im_start|> token and 49152 tokens",
             "SmolLM, SmolLM2") { $0.hasToken("<|im_start|>") && $0.vocabularySize == 49152 },
        rule("starcoder", "Digits(individual) + ByteLevel(gpt2-regex)", "a <fim_prefix> token",
             "StarCoder, StarCoder2") { $0.hasToken("<fim_prefix>") },
        rule("deepseek-v3", "Split(digits-1-3) + Split(deepseek-v3-cjk) + Split(deepseek-v3) + ByteLevel", "none",
             "DeepSeek V3, V3.1, V3.2, V4, R1") { _ in true },
        rule("deepseek-llm", "Split(newlines) + Split(deepseek-llm-letters) + Split(deepseek-llm-punctuation)"
                + " + Split(trailing-whitespace) + Split(deepseek-cjk) + Digits + ByteLevel", "none",
             "DeepSeek LLM 7B/67B, DeepSeek-MoE, DeepSeek-V2") { _ in true },
        rule("deepseek-coder", "Split(newlines) + Split(letters) + Split(punctuation) + Split(deepseek-cjk)"
                + " + Digits(individual) + ByteLevel", "none",
             "DeepSeek Coder 1.3B/6.7B/33B") { _ in true },
        rule("gpt-2", "ByteLevel(gpt2-regex)", "none",
             "GPT-2 and plain byte-level BPE (Phi-2, OLMo, MPT share its llama.cpp pre-tokenizer)") { _ in true },
    ]

    /// The name llama.cpp uses when it has no specific pre-tokenizer.
    public static let fallback = "default"

    /// The first matching rule, or `nil`.
    public static func identify(_ facts: PreTokenizerFacts) -> PreTokenizerRule? {
        rules.first { $0.matches(facts) }
    }

    private static func rule(_ pre: String, _ signature: String, _ condition: String, _ models: String,
                             _ test: @escaping @Sendable (PreTokenizerFacts) -> Bool) -> PreTokenizerRule {
        PreTokenizerRule(pre: pre, signature: signature, condition: condition, models: models, test: test)
    }
}
