import FileSupport

/// What can be read off a `tokenizer.json` about its pre-tokenizer without running it:
/// the pre-tokenizer chain as a short signature plus facts that tell apart tokenizers
/// sharing a chain.
///
/// llama.cpp's converter identifies the pre-tokenizer by hashing the token ids of a
/// test string, which needs a working tokenizer; these facts stand in for that hash.
public struct PreTokenizerFacts: Sendable, Equatable {
    /// The pre-tokenizer chain, e.g. `Split(llama3) + ByteLevel` or
    /// `Digits(individual) + ByteLevel(gpt2-regex)`.
    public var signature: String
    /// `model.ignore_merges` (Llama 3 style tokenizers set it).
    public var ignoresMerges: Bool
    /// Number of entries in the tokenizer model's own vocabulary (without added
    /// tokens or padding).
    public var vocabularySize: Int
    /// `tokenizer_class` from `tokenizer_config.json`.
    public var tokenizerClass: String?
    private var tokenTexts: Set<ExactString>

    /// Facts from their parts; `tokens` are the vocabulary texts.
    public init(signature: String, ignoresMerges: Bool, vocabularySize: Int, tokenizerClass: String?, tokens: [String]) {
        self.signature = signature
        self.ignoresMerges = ignoresMerges
        self.vocabularySize = vocabularySize
        self.tokenizerClass = tokenizerClass
        tokenTexts = Set(tokens.map(ExactString.init))
    }

    /// Whether the vocabulary has a token with exactly this text.
    public func hasToken(_ text: String) -> Bool {
        tokenTexts.contains(ExactString(text))
    }

    /// Split regexes whose exact text identifies a family, as they appear in
    /// tokenizer.json (llama-vocab.cpp quotes the same originals).
    static let knownSplitRegexes: [(name: String, pattern: String)] = [
        ("llama3", #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#),
        ("qwen2", #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#),
        ("gpt4o", #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#),
    ]

    /// Reads the facts from a `tokenizer.json` and the GGUF vocabulary built from it.
    static func read(tokenizer: HFTokenizerJSON, tokenizerClass: String?, baseVocabularySize: Int,
                     vocabulary: TokenVocabulary) throws(TokenizersError) -> PreTokenizerFacts {
        PreTokenizerFacts(
            signature: signature(of: tokenizer.root["pre_tokenizer"] ?? .null),
            ignoresMerges: try tokenizer.modelFlag("ignore_merges", default: false),
            vocabularySize: baseVocabularySize,
            tokenizerClass: tokenizerClass,
            tokens: vocabulary.tokens)
    }

    /// Flattens `Sequence` pre-tokenizers (with an explicit stack, in document order)
    /// into a signature such as `Split(qwen2) + ByteLevel`; "none" when absent.
    static func signature(of root: JSONValue) -> String {
        var parts: [String] = []
        var pending: [JSONValue] = [root]
        while let next = pending.popLast() {
            guard let step = next.objectValue else { continue }
            let type = step["type"]?.stringValue ?? "?"
            switch type {
            case "Sequence":
                pending.append(contentsOf: (step["pretokenizers"]?.arrayValue ?? []).reversed())
            case "Split":
                let pattern = step["pattern"]?.objectValue
                if let regex = pattern?["Regex"]?.stringValue {
                    let name = knownSplitRegexes.first { $0.pattern.isExactly(regex) }?.name ?? "unknown regex"
                    parts.append("Split(\(name))")
                } else {
                    parts.append("Split(string)")
                }
            case "Digits":
                parts.append(step["individual_digits"]?.isTruthy ?? false ? "Digits(individual)" : "Digits")
            case "ByteLevel":
                var options: [String] = []
                if step["add_prefix_space"]?.isTruthy ?? true { options.append("prefix-space") }
                if step["use_regex"]?.isTruthy ?? true { options.append("gpt2-regex") }
                parts.append(options.isEmpty ? "ByteLevel" : "ByteLevel(\(options.joined(separator: ", ")))")
            default:
                parts.append(type)
            }
        }
        return parts.isEmpty ? "none" : parts.joined(separator: " + ")
    }
}
