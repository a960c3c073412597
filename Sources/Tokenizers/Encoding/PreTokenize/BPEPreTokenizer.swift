/// What llama.cpp does for one `tokenizer.ggml.pre` value of a byte-level BPE vocabulary:
/// the chain of splitting steps (its `regex_exprs`, in order) and the vocabulary flags the
/// name switches on.
struct BPEPreTokenizer: Sendable {
    /// One entry of the regex list.
    enum Step: Sendable {
        case gpt2
        case llama3(maxDigits: Int)
        case isolate(CategorySplit.Class)
        case runs(CategorySplit.Class)
        case groups(CategorySplit.Class, size: Int)
        case spacedRuns(CategorySplit.Class)
        case trailingWhitespace
        case asciiDigitTriples
        case deepSeek3
    }

    /// The `tokenizer.ggml.pre` value as given.
    let name: String
    let steps: [Step]
    /// Whole words already in the vocabulary skip merging (Llama 3 style).
    var ignoresMerges = false
    /// The default for `add_bos_token` when the GGUF does not say.
    var addsBOSByDefault = false
    /// The name clears llama.cpp's default BOS id (ChatGLM).
    var hasNoDefaultBOS = false

    /// Splits a fragment into words, as scalar counts.
    func split(_ text: ScalarText) -> [Int] {
        var segments = text.count > 0 ? [text.count] : []
        for step in steps {
            switch step {
            case .gpt2: segments = GPT2Split.apply(text, segments)
            case let .llama3(maxDigits): segments = Llama3Split.apply(text, segments, maxDigits: maxDigits)
            case let .isolate(accepted): segments = CategorySplit.isolate(text, segments, accepted)
            case let .runs(accepted): segments = CategorySplit.runs(text, segments, accepted)
            case let .groups(accepted, size): segments = CategorySplit.groups(text, segments, accepted, size: size)
            case let .spacedRuns(accepted): segments = CategorySplit.spacedRuns(text, segments, accepted)
            case .trailingWhitespace: segments = CategorySplit.trailingWhitespace(text, segments)
            case .asciiDigitTriples: segments = CategorySplit.asciiDigitTriples(text, segments)
            case .deepSeek3: segments = DeepSeek3Split.apply(text, segments)
            }
        }
        return segments
    }

    /// The pre-tokenizer llama.cpp uses for `name`; an empty name means "default", as in
    /// llama.cpp (which warns about it).
    static func named(_ name: String) throws(TokenizersError) -> BPEPreTokenizer {
        let key = name.isEmpty ? "default" : name
        guard let family = families.first(where: { $0.names.contains(key) }) else {
            throw .unsupportedPreTokenizer(name: name, supported: supportedNames)
        }
        var result = BPEPreTokenizer(name: name, steps: family.steps)
        result.ignoresMerges = family.ignoresMerges || ["glm4", "glm5"].contains(key)
        result.addsBOSByDefault = family.addsBOS
        result.hasNoDefaultBOS = ["chatglm-bpe", "glm4", "glm5"].contains(key)
        return result
    }

    /// Every name ``named(_:)`` accepts.
    static var supportedNames: [String] { families.flatMap(\.names) }

    private struct Family {
        let names: [String]
        let steps: [Step]
        var ignoresMerges = false
        var addsBOS = false
    }

    /// Names grouped by the regex list llama-vocab.cpp gives them.
    private static let families: [Family] = [
        Family(names: ["default"], steps: [
            .runs(.punctuationAndSymbols), .gpt2, .runs(.number), .asciiDigitTriples,
        ]),
        Family(names: ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"],
               steps: [.llama3(maxDigits: 3)], ignoresMerges: true, addsBOS: true),
        Family(names: ["dbrx", "smaug-bpe", "chatglm-bpe", "glm4", "glm5"], steps: [.llama3(maxDigits: 3)]),
        Family(names: ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez", "stablelm2", "hunyuan", "solar-open", "grok-2"],
               steps: [.llama3(maxDigits: 1)]),
        Family(names: ["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2"],
               steps: [.isolate(.number), .gpt2]),
        Family(names: ["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                       "modern-bert", "mpt", "olmo", "jais", "trillion", "granite-docling", "exaone4", "jina-v1-en",
                       "jina-v2-code", "roberta-bpe"],
               steps: [.gpt2]),
        Family(names: ["falcon"], steps: [.runs(.punctuationSymbolsAndBacktick), .gpt2, .asciiDigitTriples]),
        Family(names: ["deepseek-llm"], steps: [
            .isolate(.newline), .spacedRuns(.ranges(.deepSeekLetters)), .spacedRuns(.ranges(.deepSeekPunctuation)),
            .trailingWhitespace, .runs(.ranges(.deepSeekCJK)), .runs(.number),
        ]),
        Family(names: ["deepseek-coder"], steps: [
            .isolate(.newline), .spacedRuns(.letter), .spacedRuns(.punctuation), .runs(.ranges(.deepSeekCJK)),
            .isolate(.number),
        ]),
        Family(names: ["deepseek-v3", "hunyuan-dense", "hy_v4", "joyai-llm"], steps: [
            .groups(.number, size: 3), .runs(.ranges(.deepSeek3CJK)), .deepSeek3,
        ]),
    ]
}
