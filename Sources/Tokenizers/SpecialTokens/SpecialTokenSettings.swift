import GGUF

/// A chat template as `tokenizer_config.json` gives it: one string, or a list of
/// named templates (one of them usually "default").
public enum ChatTemplate: Sendable, Equatable {
    case single(String)
    case named([NamedChatTemplate])
}

/// One entry of the list form of `chat_template`.
public struct NamedChatTemplate: Sendable, Equatable {
    /// The name as written; key names keep only its ASCII letters and digits.
    public var name: String
    /// The Jinja template text.
    public var template: String

    /// A named template.
    public init(name: String, template: String) {
        self.name = name
        self.template = template
    }
}

/// What gguf-py's `SpecialVocab` collects: merges, special token ids, whether to add
/// BOS/EOS/SEP, the chat template and normalizer flags.
public struct SpecialTokenSettings: Sendable, Equatable {
    /// BPE merges (only loaded for BPE vocabularies).
    public var merges: [String] = []
    /// Whether merges were asked for (gguf-py warns when they were but none exist).
    var mergesRequested = false
    /// Special token ids by role ("bos", "eos", "unk", "sep", "pad", "cls", "mask",
    /// "eot", "eom"), in the order they were found.
    var ids = OrderedPairs<Int>()
    /// Whether the tokenizer adds a role's token automatically, in the order found.
    var addFlags = OrderedPairs<Bool>()
    /// `chat_template` from tokenizer_config.json (or chat_template.jinja / .json).
    public var chatTemplate: ChatTemplate? = nil
    /// Normalizer flags from tokenizer.json (Lowercase, StripAccents, BertNormalizer).
    public var normalizerLowercase: Bool? = nil
    public var normalizerStripAccents: Bool? = nil

    /// Empty settings.
    public init() {}

    /// The id for a role such as "bos", or `nil`.
    public func tokenID(_ role: String) -> Int? { ids[role] }

    /// Whether a role's token is added automatically ("bos", "eos", "sep"), or `nil` when unknown.
    public func addsToken(_ role: String) -> Bool? { addFlags[role] }

    /// All roles with ids, in the converter's order.
    public var tokenIDs: [(role: String, id: Int)] { ids.entries.map { ($0.key, $0.value) } }

    /// GGUF keys for the id roles gguf-py's writer has a method for; others ("cls")
    /// are skipped with a warning, as gguf-py does.
    static let idKeys: [String: String] = [
        "bos": GGUFKey.bosTokenID, "eos": GGUFKey.eosTokenID, "unk": GGUFKey.unknownTokenID,
        "sep": GGUFKey.separatorTokenID, "pad": GGUFKey.paddingTokenID, "mask": GGUFKey.maskTokenID,
        "eot": GGUFKey.eotTokenID, "eom": GGUFKey.eomTokenID,
    ]

    static let addFlagKeys: [String: String] = [
        "bos": GGUFKey.addBOSToken, "eos": GGUFKey.addEOSToken, "sep": "tokenizer.ggml.add_sep_token",
    ]

    /// Writes the keys in the order of `SpecialVocab.add_to_gguf`.
    func write(into metadata: inout GGUFMetadata, log: (String) -> Void) {
        if !merges.isEmpty {
            metadata[GGUFKey.tokenizerMerges] = .strings(merges)
        } else if mergesRequested {
            log("warning: merges were requested but none were found; the GGUF may not tokenize")
        }
        for (role, id) in ids.entries {
            guard let key = Self.idKeys[role] else {
                log("warning: no GGUF key for special token type \(role) (id \(id)), skipping")
                continue
            }
            metadata[key] = .uint32(UInt32(id))
        }
        for (role, flag) in addFlags.entries {
            guard let key = Self.addFlagKeys[role] else {
                log("warning: no GGUF key for add_\(role)_token (\(flag)), skipping")
                continue
            }
            metadata[key] = .bool(flag)
        }
        if let chatTemplate { Self.write(chatTemplate, into: &metadata) }
        if let normalizerLowercase { metadata["tokenizer.ggml.normalizer.lowercase"] = .bool(normalizerLowercase) }
        if let normalizerStripAccents { metadata["tokenizer.ggml.normalizer.strip_accents"] = .bool(normalizerStripAccents) }
    }

    /// gguf-py's `add_chat_template`: named templates go to `tokenizer.chat_template.<name>`
    /// plus a `tokenizer.chat_templates` list; "default" becomes the main template.
    private static func write(_ template: ChatTemplate, into metadata: inout GGUFMetadata) {
        switch template {
        case let .single(text):
            metadata[GGUFKey.chatTemplate] = .string(text)
        case let .named(list):
            var defaultTemplate: String? = nil
            var names: [String] = []
            for entry in list {
                // Only letters and digits survive in key names.
                let name = String(entry.name.unicodeScalars.map { scalar -> Character in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0" ... "9").contains(scalar)) ? Character(scalar) : "_"
                })
                guard !name.isEmpty else { continue }
                if name == "default" {
                    defaultTemplate = entry.template
                } else {
                    if !names.contains(name) { names.append(name) }
                    metadata["tokenizer.chat_template.\(name)"] = .string(entry.template)
                }
            }
            if !names.isEmpty { metadata["tokenizer.chat_templates"] = .strings(names) }
            if let defaultTemplate { metadata[GGUFKey.chatTemplate] = .string(defaultTemplate) }
        }
    }
}
