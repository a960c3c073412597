/// The `pre_tokenizer` a `tokenizer.json` needs to split text the way llama.cpp splits it
/// for a given `tokenizer.ggml.pre`.
///
/// Where a model family ships a known pre-tokenizer, it is reproduced as that family's
/// `tokenizer.json` spells it, so converting the folder back identifies the same name.
/// Anything else gets llama.cpp's default regex chain, which converts back to "default".
enum PreTokenizerTemplates {
    struct Template {
        var preTokenizer: JSONText
        /// `model.ignore_merges` (Llama 3 tokenizers set it).
        var ignoreMerges: Bool
        /// Whether the name was recognised (otherwise the default chain stands in).
        var recognised: Bool
    }

    // Split patterns as the models' own tokenizer.json files write them.
    static let llama3Regex =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Regex =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let gpt4oRegex = #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// llama.cpp's fallback chain for BPE vocabularies without a known pre-tokenizer.
    static let defaultRegexes = [
        #"[\p{P}\$\+<=>\^~\|]+"#,
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"#,
        #"\p{N}+"#,
        #"[0-9][0-9][0-9]"#,
    ]

    static let llama3Names: Set = ["llama-bpe", "llama3", "llama-v3", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"]
    static let smaugNames: Set = ["smaug-bpe", "dbrx"]
    static let qwen2Names: Set = ["qwen2", "deepseek-r1-qwen", "stablelm2"]
    static let gpt4oNames: Set = ["gpt-4o", "llama4"]
    static let digitsNames: Set = ["smollm", "starcoder", "refact", "codeshell", "command-r", "exaone"]
    static let gpt2Names: Set = ["gpt-2", "phi-2", "mpt", "olmo", "jais", "roberta-bpe", "mellum", "trillion"]

    static func template(for pre: String?) -> Template {
        let name = pre ?? "default"
        if llama3Names.contains(name) { return Template(preTokenizer: split([llama3Regex]), ignoreMerges: true, recognised: true) }
        if smaugNames.contains(name) { return Template(preTokenizer: split([llama3Regex]), ignoreMerges: false, recognised: true) }
        if qwen2Names.contains(name) {
            return Template(preTokenizer: split([qwen2Regex], trimOffsets: false), ignoreMerges: false, recognised: true)
        }
        if gpt4oNames.contains(name) {
            return Template(preTokenizer: split([gpt4oRegex], trimOffsets: false), ignoreMerges: false, recognised: true)
        }
        if digitsNames.contains(name) {
            let chain = JSONText.object([
                ("type", .string("Sequence")),
                ("pretokenizers", .array([
                    .object([("type", .string("Digits")), ("individual_digits", .bool(true))]),
                    byteLevel(useRegex: true),
                ])),
            ])
            return Template(preTokenizer: chain, ignoreMerges: false, recognised: true)
        }
        if gpt2Names.contains(name) { return Template(preTokenizer: byteLevel(useRegex: true), ignoreMerges: false, recognised: true) }
        return Template(preTokenizer: split(defaultRegexes), ignoreMerges: false, recognised: name == "default")
    }

    /// Regex splits (each match kept as its own piece, as llama.cpp does) then byte-level mapping.
    private static func split(_ patterns: [String], trimOffsets: Bool = true) -> JSONText {
        var steps: [JSONText] = patterns.map { pattern in
            .object([
                ("type", .string("Split")),
                ("pattern", .object([("Regex", .string(pattern))])),
                ("behavior", .string("Isolated")),
                ("invert", .bool(false)),
            ])
        }
        steps.append(byteLevel(useRegex: false, trimOffsets: trimOffsets))
        return .object([("type", .string("Sequence")), ("pretokenizers", .array(steps))])
    }

    static func byteLevel(useRegex: Bool, addPrefixSpace: Bool = false, trimOffsets: Bool = true) -> JSONText {
        .object([
            ("type", .string("ByteLevel")),
            ("add_prefix_space", .bool(addPrefixSpace)),
            ("trim_offsets", .bool(trimOffsets)),
            ("use_regex", .bool(useRegex)),
        ])
    }
}
