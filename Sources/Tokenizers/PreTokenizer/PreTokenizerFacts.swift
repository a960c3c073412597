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
    /// tokenizer.json (llama-vocab.cpp quotes the same originals). Non-ASCII characters
    /// are escaped so no editor can normalize them into other code points.
    static let knownSplitRegexes: [(name: String, pattern: String)] = [
        ("llama3", #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#),
        ("qwen2", #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#),
        ("gpt4o", #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#),
        ("digits-1-3", "\\p{N}{1,3}"),
        ("deepseek-v3-cjk", "[\u{4E00}-\u{9FA5}\u{3040}-\u{309F}\u{30A0}-\u{30FF}]+"),
        ("deepseek-v3", "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"),
        ("newlines", "[\r\n]"),
        ("deepseek-llm-letters", "\\s?[A-Za-z\u{B5}\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{1BA}\u{1BC}-\u{1BF}\u{1C4}-\u{293}\u{295}-\u{2AF}\u{370}-\u{373}\u{376}\u{377}\u{37B}-\u{37D}\u{37F}\u{386}\u{388}-\u{38A}\u{38C}\u{38E}-\u{3A1}\u{3A3}-\u{3F5}\u{3F7}-\u{481}\u{48A}-\u{52F}\u{531}-\u{556}\u{10A0}-\u{10C5}\u{13A0}-\u{13F5}\u{13F8}-\u{13FD}\u{1C90}-\u{1CBA}\u{1CBD}-\u{1CBF}\u{1D00}-\u{1D2B}\u{1D6B}-\u{1D77}\u{1D79}-\u{1D9A}\u{1E00}-\u{1F15}\u{1F18}-\u{1F1D}\u{1F20}-\u{1F45}\u{1F48}-\u{1F4D}\u{1F50}-\u{1F57}\u{1F59}\u{1F5B}\u{1F5D}\u{1F5F}-\u{1F7D}\u{1F80}-\u{1FB4}\u{1FB6}-\u{1FBC}\u{1FBE}\u{1FC2}-\u{1FC4}\u{1FC6}-\u{1FCC}\u{1FD0}-\u{1FD3}\u{1FD6}-\u{1FDB}\u{1FE0}-\u{1FEC}\u{1FF2}-\u{1FF4}\u{1FF6}-\u{1FFC}\u{2102}\u{2107}\u{210A}-\u{2113}\u{2115}\u{2119}-\u{211D}\u{2124}\u{2126}\u{2128}\u{212A}-\u{212D}\u{212F}-\u{2134}\u{2139}\u{213C}-\u{213F}\u{2145}-\u{2149}\u{214E}\u{2183}\u{2184}\u{2C00}-\u{2C7B}\u{2C7E}-\u{2CE4}\u{2CEB}-\u{2CEE}\u{2CF2}\u{2CF3}\u{A640}-\u{A66D}\u{A680}-\u{A69B}\u{A722}-\u{A76F}\u{A771}-\u{A787}\u{A78B}-\u{A78E}\u{AB70}-\u{ABBF}\u{FB00}-\u{FB06}\u{FB13}-\u{FB17}\u{FF21}-\u{FF3A}\u{FF41}-\u{FF5A}\u{10400}-\u{1044F}\u{104B0}-\u{104D3}\u{104D8}-\u{104FB}\u{10C80}-\u{10CB2}\u{10CC0}-\u{10CF2}\u{118A0}-\u{118DF}\u{1E900}-\u{1E943}]+"),
        ("deepseek-llm-punctuation", "\\s?[!-/:-~\u{FF01}-\u{FF0F}\u{FF1A}-\u{FF5E}\u{2018}-\u{201F}\u{3000}-\u{3002}]+"),
        ("trailing-whitespace", "\\s+$"),
        ("deepseek-cjk", "[\u{4E00}-\u{9FA5}\u{800}-\u{4E00}\u{AC00}-\u{D7FF}]+"),
        ("letters", "\\s?\\p{L}+"),
        ("punctuation", "\\s?\\p{P}+"),
        ("numbers", "\\p{N}+"),
        // The same class spelled with regex escapes instead of the characters.
        ("newlines", #"[\r\n]"#),
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
