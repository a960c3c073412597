import FileSupport

/// Builds a `llama` vocabulary from a SentencePiece-style BPE `tokenizer.json` (byte
/// fallback, `Sequence` decoder) when there is no `tokenizer.model`, the way gguf-py's
/// `LlamaHfVocab` does.
///
/// Every score is -1000. Base tokens are BYTE (`<0xXX>`), CONTROL (declared special)
/// or NORMAL; added tokens past the base vocabulary follow in id order. Unlike the
/// SentencePiece path there is no padding up to the config's vocab size.
struct LlamaHFVocabularyBuilder {
    let folder: HFTokenizerFolder
    let tokenizer: HFTokenizerJSON
    let log: @Sendable (String) -> Void

    static let score: Float = -1000

    /// Whether gguf-py would take this path for `tokenizer.json` (otherwise the Llama
    /// converter falls through to the `gpt2` path).
    static func applies(to tokenizer: HFTokenizerJSON) throws(TokenizersError) -> Bool {
        let type = try tokenizer.modelType()
        let byteFallback = try tokenizer.model()["byte_fallback"]
        let ignoreMerges = try tokenizer.modelFlag("ignore_merges", default: false)
        let isLlama3 = type == "BPE" && ignoreMerges && !(byteFallback?.isTruthy ?? true)
        if isLlama3 { return false }
        return type == "BPE" && (byteFallback?.isTruthy ?? false) && tokenizer.decoderType == "Sequence"
    }

    func build() throws(TokenizersError) -> TokenVocabulary {
        let fast = try HFFastTokenizerVocab(folder: folder, tokenizer: tokenizer, log: log)
        let base = fast.baseVocabularySize

        // `all_special_ids`: declared specials resolved through the vocabulary; text
        // the vocabulary lacks resolves to the unknown token, as transformers does.
        let unknownID = try tokenizer.model()["unk_token"]?.stringValue.flatMap { fast.vocab[ExactString($0)] }
        var specialIDs = Set<Int>()
        for token in fast.declaredSpecials.tokens {
            if let id = fast.vocab[ExactString(token.content)] ?? unknownID { specialIDs.insert(id) }
        }

        var byID = [String?](repeating: nil, count: base)
        for (key, id) in fast.vocab where id < base {
            byID[id] = fast.addedByID[id]?.content ?? key.value
        }
        var tokens: [String] = []
        var types: [GGUFTokenType] = []
        for id in 0 ..< base {
            guard let token = byID[id] else {
                throw .invalidVocabulary(path: tokenizer.path, reason: "no token has id \(id) (the vocabulary has \(base) entries)")
            }
            tokens.append(token)
            types.append(Self.isByteToken(token) ? .byte : specialIDs.contains(id) ? .control : .normal)
        }

        // Added tokens past the base vocabulary are appended in id order; a gap would
        // shift every later token against its embedding row, so it is refused.
        for (id, token) in fast.addedByID.sorted(by: { $0.key < $1.key }) where id >= base {
            guard id == tokens.count else {
                throw .invalidVocabulary(path: tokenizer.path, reason: "added token ids jump from \(tokens.count - 1) to \(id)")
            }
            let isDeclaredSpecial = fast.declaredSpecials.contents.contains(ExactString(token.content))
            tokens.append(token.content)
            types.append(isDeclaredSpecial ? .control : .userDefined)
        }
        let scores = [Float](repeating: Self.score, count: tokens.count)
        return TokenVocabulary(model: .llama, tokens: tokens, tokenTypes: types, scores: scores)
    }

    /// `<0xXX>` with either case of hex digit, as gguf-py's regex allows.
    static func isByteToken(_ token: String) -> Bool {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "0"),
              utf8[2] == UInt8(ascii: "x"), utf8[5] == UInt8(ascii: ">") else { return false }
        return utf8[3 ... 4].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102) }
    }
}
