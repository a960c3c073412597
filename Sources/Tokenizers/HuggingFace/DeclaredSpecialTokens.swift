import FileSupport

/// The special tokens a transformers tokenizer declares (`bos_token` … `mask_token`,
/// `additional_special_tokens`), as `AutoTokenizer.from_pretrained` assembles them.
///
/// They come from `tokenizer_config.json`; only for older folders without
/// `added_tokens_decoder` do `special_tokens_map.json` values replace them.
struct DeclaredSpecialTokens {
    /// Declared tokens in transformers' attribute order, without repeats.
    private(set) var tokens: [HFAddedToken] = []
    private var seen = Set<ExactString>()

    static let attributes = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    init(folder: HFTokenizerFolder) throws(TokenizersError) {
        var values: [String: JSONValue] = [:]
        let config = try folder.tokenizerConfigObject()
        for key in Self.attributes + ["additional_special_tokens"] {
            if let value = config?[key] { values[key] = value }
        }
        if config?["added_tokens_decoder"] == nil, let map = try folder.load("special_tokens_map.json") {
            let mapObject = try map.rootObject()
            for member in mapObject.uniqueMembers {
                let key = member.key, value = member.value
                if key == "additional_special_tokens", case let .array(extra) = value {
                    var merged = values[key]?.arrayValue ?? []
                    for token in extra where !merged.contains(token) { merged.append(token) }
                    values[key] = .array(merged)
                } else {
                    values[key] = value
                }
            }
        }
        for key in Self.attributes {
            if let value = values[key] { add(value) }
        }
        for value in values["additional_special_tokens"]?.arrayValue ?? [] { add(value) }
    }

    /// The contents, for "is this string a special token" questions.
    var contents: Set<ExactString> { seen }

    private mutating func add(_ value: JSONValue) {
        let content: String
        switch value {
        case let .string(text): content = text
        case let .object(object):
            guard let text = object["content"]?.stringValue else { return }
            content = text
        default: return
        }
        guard seen.insert(ExactString(content)).inserted else { return }
        // The id is assigned when the tokenizer adds the token; -1 marks "not yet".
        tokens.append(HFAddedToken(id: -1, content: content, special: true, normalized: false))
    }
}
