/// Builds a `gpt2` vocabulary from `tokenizer.json` the way the converter's
/// `get_vocab_base` does.
///
/// Ids without a token become `[PAD{i}]` (UNUSED). Added tokens are CONTROL when
/// special or when their name looks special, otherwise USER_DEFINED with U+2581
/// turned back into spaces; everything else is NORMAL.
struct BPEVocabularyBuilder {
    let folder: HFTokenizerFolder
    let tokenizer: HFTokenizerJSON
    let log: @Sendable (String) -> Void

    /// Only the ByteLevel decoder changes added tokens in ways that matter here;
    /// other decoders are taken to give the text back unchanged.
    private var usesByteLevelDecoder: Bool { tokenizer.decoderType == "ByteLevel" }

    func build(vocabSize requested: Int?) throws(TokenizersError) -> (TokenVocabulary, HFFastTokenizerVocab) {
        let fast = try HFFastTokenizerVocab(folder: folder, tokenizer: tokenizer, log: log)
        let vocabSize = requested ?? fast.vocab.count
        guard vocabSize >= 0, vocabSize <= SentencePieceVocabularyBuilder.maxVocabularySize else {
            throw .invalidVocabulary(path: folder.path("config.json"), reason: "vocab_size \(vocabSize) is negative or implausibly large")
        }
        guard fast.maxID < vocabSize else {
            throw .invalidVocabulary(path: tokenizer.path,
                                     reason: "token id \(fast.maxID) does not fit the model's vocab_size \(vocabSize)")
        }

        // Reverse lookup. An added token may take over its id; two model entries
        // sharing an id would make the converter's output depend on hash order, so
        // that is refused.
        var byID = [String?](repeating: nil, count: vocabSize)
        for (key, id) in fast.vocab {
            if let added = fast.addedByID[id] {
                byID[id] = added.content
            } else if let other = byID[id] {
                throw .invalidVocabulary(path: tokenizer.path, reason: "id \(id) is used by both \(String(reflecting: other)) and \(String(reflecting: key.value))")
            } else {
                byID[id] = key.value
            }
        }

        var tokens: [String] = []
        var types: [GGUFTokenType] = []
        tokens.reserveCapacity(vocabSize)
        types.reserveCapacity(vocabSize)
        for id in 0 ..< vocabSize {
            guard var token = byID[id] else {
                tokens.append("[PAD\(id)]")
                types.append(.unused)
                continue
            }
            if fast.isAdded(token) {
                // The converter round-trips non-normalized added tokens through
                // encode/decode: the token matches as a whole, so only the decoder acts.
                let added = fast.addedByID[id]
                if added?.normalized == false, usesByteLevelDecoder { token = ByteLevelDecoding.decode(token) }
                let special = added?.special ?? false
                if special || SpecialTokenHeuristics.looksSpecial(token) {
                    types.append(.control)
                } else {
                    token = token.replacingSentencePieceSpaces()
                    types.append(.userDefined)
                }
            } else {
                types.append(.normal)
            }
            tokens.append(token)
        }
        return (TokenVocabulary(model: .gpt2, tokens: tokens, tokenTypes: types), fast)
    }
}
