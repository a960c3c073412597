import GGUF

/// A GGUF vocabulary as llama.cpp's `llama_vocab::load` sets it up for tokenizing:
/// token texts by id, attributes, scores, special ids with llama.cpp's defaults, the
/// add-BOS/EOS flags and the special-token search list.
struct EncodingVocabulary: Sendable {
    /// `tokenizer.ggml.model`.
    let model: TokenVocabulary.Model
    /// Token texts as UTF-8; string number == token id.
    let texts: ByteStringTable
    let attributes: [TokenAttributes]
    /// Per-token scores (zero when the GGUF has none).
    let scores: [Float]
    let bosID: Int32?
    let eosID: Int32?
    let unknownID: Int32?
    let addsBOS: Bool
    let addsEOS: Bool
    /// `tokenizer.ggml.add_space_prefix` (SentencePiece's dummy prefix).
    let addsSpacePrefix: Bool
    /// For `gpt2` vocabularies, the pre-tokenizer `tokenizer.ggml.pre` names.
    let preTokenizer: BPEPreTokenizer?
    /// CONTROL, USER_DEFINED and UNKNOWN tokens, longest text first, as llama.cpp
    /// searches for them.
    let splitOutTokens: [Int32]
    /// The longest token text in bytes.
    let longestTokenLength: Int

    var count: Int { attributes.count }

    init(metadata: GGUFMetadata) throws(TokenizersError) {
        let fields = MetadataFields(metadata: metadata)
        guard let modelName = try fields.string(GGUFKey.tokenizerModel) else { throw .missingMetadata(key: GGUFKey.tokenizerModel) }
        guard let model = TokenVocabulary.Model(rawValue: modelName) else {
            throw .invalidMetadata(key: GGUFKey.tokenizerModel, index: nil,
                                   reason: "tokenizer model \"\(modelName)\" is not supported (supported: llama, gpt2)")
        }
        self.model = model
        preTokenizer = model == .gpt2 ? try BPEPreTokenizer.named(fields.string(GGUFKey.tokenizerPre) ?? "") : nil

        guard let tokens = try fields.strings(GGUFKey.tokenizerTokens) else { throw .missingMetadata(key: GGUFKey.tokenizerTokens) }
        guard !tokens.isEmpty, tokens.count < Int(Int32.max) else {
            throw .invalidMetadata(key: GGUFKey.tokenizerTokens, index: nil, reason: "\(tokens.count) tokens")
        }
        texts = try Self.textTable(tokens)
        longestTokenLength = (0 ..< tokens.count).reduce(0) { [texts] longest, id in max(longest, texts.length(id)) }
        scores = try fields.scores(GGUFKey.tokenizerScores, count: tokens.count) ?? [Float](repeating: 0, count: tokens.count)
        var attributes: [TokenAttributes]
        if let types = try fields.int32s(GGUFKey.tokenizerTokenType, count: tokens.count) {
            attributes = types.map(TokenAttributes.init(tokenType:))
        } else {
            attributes = [TokenAttributes](repeating: .normal, count: tokens.count)
        }

        // llama.cpp's per-model defaults, dropped when outside the vocabulary, then the keys.
        let count = tokens.count
        func fallback(_ id: Int32?) -> Int32? { id.flatMap { Int($0) < count ? $0 : nil } }
        func resolve(_ key: String, _ defaultID: Int32?) throws(TokenizersError) -> Int32? {
            guard let id = try fields.tokenID(key), id < count else { return fallback(defaultID) }
            return Int32(id)
        }
        let isSentencePiece = model == .llama
        bosID = try resolve(GGUFKey.bosTokenID, isSentencePiece ? 1 : (preTokenizer?.hasNoDefaultBOS == true ? nil : 11))
        eosID = try resolve(GGUFKey.eosTokenID, isSentencePiece ? 2 : 11)
        unknownID = try resolve(GGUFKey.unknownTokenID, isSentencePiece ? 0 : nil)
        addsBOS = try fields.bool(GGUFKey.addBOSToken) ?? (isSentencePiece || preTokenizer?.addsBOSByDefault == true)
        addsEOS = try fields.bool(GGUFKey.addEOSToken) ?? false
        addsSpacePrefix = try fields.bool(GGUFKey.addSpacePrefix) ?? isSentencePiece

        let table = texts
        SpecialTokenPromotion.apply(
            to: &attributes, texts: table,
            hasValidID: { key in
                if let id = try? fields.tokenID(key) { return id < count }
                return false
            },
            eosText: eosID.map { Array(table.bytes(Int($0))) })
        self.attributes = attributes
        splitOutTokens = Self.splitOutOrder(attributes, table)
    }

    /// Builds the text table; llama.cpp renames empty tokens and refuses duplicates
    /// (its text→id map would lose one of them).
    private static func textTable(_ tokens: [String]) throws(TokenizersError) -> ByteStringTable {
        var table = ByteStringTable(capacity: tokens.count)
        for (index, token) in tokens.enumerated() {
            let text = token.isEmpty ? "[EMPTY_\(index)]" : token
            let (id, inserted) = table.intern(Array(text.utf8))
            guard inserted else {
                throw .invalidMetadata(key: GGUFKey.tokenizerTokens, index: index,
                                       reason: "token \(String(reflecting: text)) duplicates token \(id)")
            }
        }
        return table
    }

    /// Longest first; ties keep id order (llama.cpp's sort leaves their order unspecified).
    private static func splitOutOrder(_ attributes: [TokenAttributes], _ texts: ByteStringTable) -> [Int32] {
        let ids = attributes.indices.filter { !attributes[$0].isDisjoint(with: .splitOut) }
        return ids.sorted { texts.length($0) != texts.length($1) ? texts.length($0) > texts.length($1) : $0 < $1 }
            .map { Int32($0) }
    }

    /// Whether `id` is a valid token id.
    func contains(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < count
    }

    /// The id of the token whose text is exactly `bytes`, or -1.
    func token(for bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        texts.find(bytes)
    }
}
