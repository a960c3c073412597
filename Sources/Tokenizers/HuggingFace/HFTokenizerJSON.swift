import FileSupport

/// An added token as `tokenizer.json` (`added_tokens`) and `tokenizer_config.json`
/// (`added_tokens_decoder`) describe it.
struct HFAddedToken: Sendable, Equatable {
    var id: Int
    var content: String
    /// Whether the tokenizer treats it as a special (control) token.
    var special: Bool
    /// Whether the tokenizer's normalizer runs over it; `tokenizers` defaults this to true.
    var normalized: Bool

    init(id: Int, content: String, special: Bool, normalized: Bool) {
        self.id = id
        self.content = content
        self.special = special
        self.normalized = normalized
    }
}

/// The parts of a Hugging Face `tokenizer.json` the converter reads.
struct HFTokenizerJSON {
    let file: JSONFile
    let root: JSONObject

    init(file: JSONFile) throws(TokenizersError) {
        self.file = file
        root = try file.rootObject()
    }

    var path: String { file.path }

    /// `model`, which every usable tokenizer.json has.
    func model() throws(TokenizersError) -> JSONObject {
        guard let value = root["model"] else {
            throw .unexpectedJSON(path: path, jsonPath: "$.model", expected: "an object", found: "nothing")
        }
        return try file.object(value, at: "$.model")
    }

    /// `model.type` ("BPE", "WordPiece", "Unigram", ...), or `nil` when not a string.
    func modelType() throws(TokenizersError) -> String? {
        try model()["type"]?.stringValue
    }

    /// `model.<key>` as a boolean, with the default the converter assumes when absent.
    func modelFlag(_ key: String, default defaultValue: Bool) throws(TokenizersError) -> Bool {
        try model()[key]?.isTruthy ?? defaultValue
    }

    /// `decoder.type`, or `nil`.
    var decoderType: String? {
        root["decoder"]?.objectValue?["type"]?.stringValue
    }

    /// `model.vocab` of a BPE or WordPiece model: token text to id, in file order.
    func vocabulary() throws(TokenizersError) -> [(token: String, id: Int)] {
        let model = try model()
        guard let value = model["vocab"] else {
            throw .unexpectedJSON(path: path, jsonPath: "$.model.vocab", expected: "an object", found: "nothing")
        }
        let vocab = try file.object(value, at: "$.model.vocab")
        var entries: [(token: String, id: Int)] = []
        entries.reserveCapacity(vocab.count)
        for member in vocab.uniqueMembers {
            let token = member.key
            let id = try file.integer(member.value, at: jsonPath("$.model.vocab", token))
            guard id >= 0 else {
                throw .tokenIdOutOfRange(path: path, jsonPath: jsonPath("$.model.vocab", token), id: id, vocabSize: vocab.count)
            }
            entries.append((token, id))
        }
        return entries
    }

    /// `added_tokens`, validated the way `tokenizers` deserializes them.
    func addedTokens() throws(TokenizersError) -> [HFAddedToken] {
        guard let value = root["added_tokens"], value != .null else { return [] }
        let list = try file.array(value, at: "$.added_tokens")
        var tokens: [HFAddedToken] = []
        tokens.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            let itemPath = jsonPath("$.added_tokens", index)
            let object = try file.object(item, at: itemPath)
            let id = try file.integer(object["id"] ?? .null, at: jsonPath(itemPath, "id"))
            guard id >= 0 else {
                throw .tokenIdOutOfRange(path: path, jsonPath: jsonPath(itemPath, "id"), id: id, vocabSize: Int.max)
            }
            let content = try file.string(object["content"] ?? .null, at: jsonPath(itemPath, "content"))
            tokens.append(HFAddedToken(id: id, content: content,
                                       special: object["special"]?.isTruthy ?? false,
                                       normalized: object["normalized"]?.isTruthy ?? true))
        }
        return tokens
    }

    /// `model.merges` as `"left right"` strings, or `nil` when absent or empty.
    ///
    /// Accepts both the classic `"a b"` form and the `["a", "b"]` pairs that
    /// transformers 4.45+ writes; inside pairs a literal space is re-encoded as U+0120
    /// so the joined string still splits in two, exactly as gguf-py does.
    func merges() throws(TokenizersError) -> [String]? {
        guard let value = try model()["merges"], case let .array(list) = value, let first = list.first else {
            return nil
        }
        var merges: [String] = []
        merges.reserveCapacity(list.count)
        if case .string = first {
            for (index, item) in list.enumerated() {
                merges.append(try file.string(item, at: jsonPath("$.model.merges", index)))
            }
            return merges
        }
        guard case let .array(firstPair) = first, firstPair.count == 2, case .string = firstPair[0] else {
            throw .unexpectedJSON(path: path, jsonPath: "$.model.merges[0]",
                                  expected: "a \"left right\" string or a [left, right] pair", found: first.kindDescription)
        }
        for (index, item) in list.enumerated() {
            let itemPath = jsonPath("$.model.merges", index)
            guard case let .array(pair) = item, pair.count == 2 else {
                throw .unexpectedJSON(path: path, jsonPath: itemPath, expected: "a [left, right] pair", found: item.kindDescription)
            }
            let left = try file.string(pair[0], at: jsonPath(itemPath, 0))
            let right = try file.string(pair[1], at: jsonPath(itemPath, 1))
            merges.append(Self.escapeSpaces(left) + " " + Self.escapeSpaces(right))
        }
        return merges
    }

    private static func escapeSpaces(_ part: String) -> String {
        guard part.utf8.contains(UInt8(ascii: " ")) else { return part }
        return String(String.UnicodeScalarView(part.unicodeScalars.map { $0 == " " ? "\u{0120}" : $0 }))
    }
}
