import FileSupport

/// Builds a `llama` vocabulary from `tokenizer.model` the way the converter's
/// `_create_vocab_sentencepiece` does.
///
/// The layout is fixed by the model's vocab size: ids the SentencePiece model does not
/// cover stay `[PAD{i}]` (score -10000, UNUSED); `added_tokens.json` and
/// `tokenizer_config.json`'s `added_tokens_decoder` then overwrite entries by id.
struct SentencePieceVocabularyBuilder {
    let folder: HFTokenizerFolder
    let model: SentencePieceModel
    let log: @Sendable (String) -> Void

    /// Scores the converter gives to fillers and to added tokens.
    static let fillerScore: Float = -10000
    static let addedTokenScore: Float = -1000

    func build(vocabSize requested: Int?) throws(TokenizersError) -> TokenVocabulary {
        // `vocab_size or tokenizer.vocab_size()`: a missing or zero config value falls back.
        var vocabSize = model.pieces.count
        if let requested, requested != 0 {
            guard requested > 0 else {
                throw .invalidVocabulary(path: folder.path("config.json"), reason: "vocab_size \(requested) is negative")
            }
            vocabSize = requested
        }
        guard vocabSize <= Self.maxVocabularySize else {
            throw .invalidVocabulary(path: folder.path("config.json"), reason: "vocab_size \(vocabSize) is implausibly large")
        }
        var tokens = (0 ..< vocabSize).map { "[PAD\($0)]" }
        var scores = [Float](repeating: Self.fillerScore, count: vocabSize)
        var types = [GGUFTokenType](repeating: .unused, count: vocabSize)

        for (id, piece) in model.pieces.enumerated() {
            if id >= vocabSize {
                log("warning: ignoring tokenizer.model pieces from id \(id): the vocabulary ends at \(vocabSize - 1)")
                break
            }
            tokens[id] = piece.text
            scores[id] = piece.score
            types[id] = Self.tokenType(of: piece.type)
        }

        try applyAddedTokensJSON(tokens: &tokens, scores: &scores, types: &types)
        try applyAddedTokensDecoder(tokens: &tokens, scores: &scores, types: &types)
        return TokenVocabulary(model: .llama, tokens: tokens, tokenTypes: types, scores: scores)
    }

    /// The converter asks SentencePiece `IsUnknown`, `IsControl`, `IsUnused`, `IsByte`
    /// in that order and calls everything else NORMAL, so USER_DEFINED pieces become
    /// NORMAL here too.
    static func tokenType(of type: SentencePieceModel.PieceType) -> GGUFTokenType {
        switch type {
        case .unknown: return .unknown
        case .control: return .control
        case .unused: return .unused
        case .byte: return .byte
        case .normal, .userDefined: return .normal
        }
    }

    /// An upper bound that keeps a hostile `vocab_size` from allocating gigabytes of
    /// filler strings; the largest real vocabularies are around 1M entries.
    static let maxVocabularySize = 16_777_216

    private func applyAddedTokensJSON(tokens: inout [String], scores: inout [Float], types: inout [GGUFTokenType]) throws(TokenizersError) {
        guard let file = try folder.load("added_tokens.json") else { return }
        let object = try file.rootObject()
        for member in object.uniqueMembers {
            let content = member.key
            let path = jsonPath("$", content)
            let id = try file.integer(member.value, at: path)
            guard id >= 0 else { throw .tokenIdOutOfRange(path: file.path, jsonPath: path, id: id, vocabSize: tokens.count) }
            guard id < tokens.count else {
                log("warning: ignoring added token \(id) from added_tokens.json: the vocabulary ends at \(tokens.count - 1)")
                continue
            }
            tokens[id] = content
            scores[id] = Self.addedTokenScore
            types[id] = .userDefined
        }
    }

    private func applyAddedTokensDecoder(tokens: inout [String], scores: inout [Float], types: inout [GGUFTokenType]) throws(TokenizersError) {
        guard let config = folder.tokenizerConfig, let root = try folder.tokenizerConfigObject(),
              let decoderValue = root["added_tokens_decoder"] else { return }
        let decoder = try config.object(decoderValue, at: "$.added_tokens_decoder")
        for member in decoder.uniqueMembers {
            let key = member.key
            let entryPath = jsonPath("$.added_tokens_decoder", key)
            guard let id = Self.pythonIntParse(key) else {
                throw .unexpectedJSON(path: config.path, jsonPath: entryPath, expected: "an integer token id as the key", found: "\"\(key)\"")
            }
            guard id >= 0 else { throw .tokenIdOutOfRange(path: config.path, jsonPath: entryPath, id: id, vocabSize: tokens.count) }
            let entry = try config.object(member.value, at: entryPath)
            var content = try config.string(entry["content"] ?? .null, at: jsonPath(entryPath, "content"))
            guard id < tokens.count else {
                log("warning: ignoring added token \(id) from tokenizer_config.json: the vocabulary ends at \(tokens.count - 1)")
                continue
            }
            if types[id] != .unused, !tokens[id].isExactly(content) {
                log("warning: replacing token \(id): \(String(reflecting: tokens[id])) -> \(String(reflecting: content))")
            }
            if (entry["special"]?.isTruthy ?? false) || SpecialTokenHeuristics.looksSpecial(content) {
                types[id] = .control
            } else {
                // llama.cpp expects user-defined tokens pre-normalized, with real spaces.
                content = content.replacingSentencePieceSpaces()
                types[id] = .userDefined
            }
            scores[id] = Self.addedTokenScore
            tokens[id] = content
        }
    }

    /// Python's `int(str)` for the keys real files use: optional surrounding
    /// whitespace, an optional sign and ASCII digits.
    static func pythonIntParse(_ text: String) -> Int? {
        Int(text.trimmingPythonWhitespace())
    }
}

extension String {
    /// Replaces SentencePiece's word-boundary mark U+2581 with a plain space.
    func replacingSentencePieceSpaces() -> String {
        guard unicodeScalars.contains("\u{2581}") else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\u{2581}" ? " " : $0 }))
    }

    fileprivate func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first ... last])
    }
}
