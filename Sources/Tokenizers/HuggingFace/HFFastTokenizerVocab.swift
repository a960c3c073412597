import FileSupport

/// The vocabulary a transformers fast tokenizer exposes for a `tokenizer.json` folder:
/// `get_vocab()` (model vocab plus added tokens) and `added_tokens_decoder`.
///
/// The converter reads these through `AutoTokenizer`, which does more than read
/// `tokenizer.json`: added tokens get ids by the `tokenizers` rule rather than the ids
/// written in the file, and added tokens listed only in `tokenizer_config.json`, and
/// declared special tokens that are not added tokens yet, get added on load. This
/// replays that.
struct HFFastTokenizerVocab {
    /// `get_vocab()`: token text to id (added tokens win over model entries).
    private(set) var vocab: [ExactString: Int] = [:]
    /// `added_tokens_decoder`: id to added token.
    private(set) var addedByID: [Int: HFAddedToken] = [:]
    /// Added token text to id.
    private(set) var addedByContent: [ExactString: Int] = [:]
    /// The size of the model's own vocabulary (`tokenizer.vocab_size`).
    let baseVocabularySize: Int
    /// The model's own vocabulary (text to id), before added tokens.
    private let baseVocab: [ExactString: Int]
    /// Declared special tokens (`all_special_tokens`).
    let declaredSpecials: DeclaredSpecialTokens
    /// The tokenizer.json path, for errors.
    private let path: String

    init(folder: HFTokenizerFolder, tokenizer: HFTokenizerJSON, log: (String) -> Void) throws(TokenizersError) {
        path = tokenizer.path
        var base: [ExactString: Int] = [:]
        let entries = try tokenizer.vocabulary()
        base.reserveCapacity(entries.count)
        for (token, id) in entries { base[ExactString(token)] = id }
        baseVocab = base
        baseVocabularySize = base.count
        vocab = base
        declaredSpecials = try DeclaredSpecialTokens(folder: folder)

        // `tokenizers` re-adds tokenizer.json's added tokens in list order and gives
        // each the id its rule picks, whatever id the file wrote down.
        for token in try tokenizer.addedTokens() {
            let id = try add(token)
            if let id, id != token.id {
                log("warning: added token \(String(reflecting: token.content)) is listed with id \(token.id) but gets id \(id)")
            }
        }
        try addFromTokenizerConfig(folder: folder)
        for declared in declaredSpecials.tokens where addedByContent[ExactString(declared.content)] == nil {
            try add(declared)
        }
    }

    /// `get_added_vocab()` membership.
    func isAdded(_ token: String) -> Bool {
        addedByContent[ExactString(token)] != nil
    }

    /// Largest id in `get_vocab()`, or -1 when empty.
    var maxID: Int { vocab.values.max() ?? -1 }

    /// `added_tokens_decoder` entries that differ from what tokenizer.json already has
    /// are (re)added, sorted by id, with "special" forced on for declared specials.
    private mutating func addFromTokenizerConfig(folder: HFTokenizerFolder) throws(TokenizersError) {
        guard let file = folder.tokenizerConfig, let config = try folder.tokenizerConfigObject(),
              let decoderValue = config["added_tokens_decoder"] else { return }
        let decoder = try file.object(decoderValue, at: "$.added_tokens_decoder")
        var pending: [(Int, HFAddedToken)] = []
        for member in decoder.uniqueMembers {
            let key = member.key
            let entryPath = jsonPath("$.added_tokens_decoder", key)
            guard let id = SentencePieceVocabularyBuilder.pythonIntParse(key) else {
                throw .unexpectedJSON(path: file.path, jsonPath: entryPath, expected: "an integer token id as the key", found: "\"\(key)\"")
            }
            let entry = try file.object(member.value, at: entryPath)
            let content = try file.string(entry["content"] ?? .null, at: jsonPath(entryPath, "content"))
            let special = entry["special"]?.isTruthy ?? false
            pending.append((id, HFAddedToken(id: id, content: content, special: special,
                                             normalized: entry["normalized"]?.isTruthy ?? !special)))
        }
        pending.sort { $0.0 < $1.0 }
        for (_, token) in pending {
            if let existingID = addedByContent[ExactString(token.content)], let existing = addedByID[existingID],
               existing.special == token.special, existing.normalized == token.normalized {
                continue
            }
            var token = token
            token.special = token.special || declaredSpecials.contents.contains(ExactString(token.content))
            try add(token)
        }
    }

    /// The `tokenizers` rule for `add_tokens`: reuse the id of known text, else take
    /// the next id after the model vocabulary and the added tokens. Returns the id, or
    /// `nil` for empty text, which is never added.
    @discardableResult
    private mutating func add(_ token: HFAddedToken) throws(TokenizersError) -> Int? {
        guard !token.content.isEmpty else { return nil }
        let key = ExactString(token.content)
        let id: Int
        if let known = addedByContent[key] ?? baseVocab[key] {
            id = known
        } else if let maxAdded = addedByContent.values.max(), maxAdded >= baseVocabularySize || baseVocabularySize == 0 {
            let (next, overflow) = maxAdded.addingReportingOverflow(1)
            guard !overflow else {
                throw .invalidVocabulary(path: path, reason: "no id is left after added token id \(maxAdded)")
            }
            id = next
        } else {
            id = baseVocabularySize
        }
        insert(token, at: id)
        return id
    }

    private mutating func insert(_ token: HFAddedToken, at id: Int) {
        var token = token
        token.id = id
        let key = ExactString(token.content)
        addedByContent[key] = id
        addedByID[id] = token
        vocab[key] = id
    }
}
