/// What both tokenizer kinds share: the vocabulary, the decoded pieces, and the
/// BOS/EOS bookkeeping around the per-fragment encoders.
struct TokenizerCore: Sendable {
    let vocabulary: EncodingVocabulary
    let pieces: TokenPieces

    init(vocabulary: EncodingVocabulary) {
        self.vocabulary = vocabulary
        pieces = TokenPieces(vocabulary: vocabulary)
    }

    /// Splits out special tokens, runs `encodeText` on each text fragment (with its byte
    /// range and whether a special token came just before it) and adds BOS/EOS.
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool,
                encodeText: (UnsafeBufferPointer<UInt8>, Range<Int>, Bool, inout [Int32]) throws(TokenizersError) -> Void)
        throws(TokenizersError) -> [Int32] {
        // Symbol positions are 32-bit; leave room for the SentencePiece prefix and escapes.
        let limit = Int(Int32.max) / 4
        guard text.utf8.count <= limit else { throw .textTooLong(bytes: text.utf8.count, limit: limit) }
        var output: [Int32] = []
        if addSpecial, vocabulary.addsBOS {
            guard let bos = vocabulary.bosID else { throw .missingSpecialToken(role: "BOS", key: "tokenizer.ggml.bos_token_id") }
            output.append(bos)
        }
        let utf8 = Array(text.utf8)
        try utf8.withUnsafeBufferPointer { (bytes: UnsafeBufferPointer<UInt8>) throws(TokenizersError) in
            var afterSpecial = true
            for fragment in SpecialTokenPartition.split(bytes, vocabulary: vocabulary, parseSpecial: parseSpecial) {
                switch fragment {
                case let .text(range):
                    try encodeText(bytes, range, afterSpecial, &output)
                    afterSpecial = false
                case let .token(id):
                    output.append(id)
                    afterSpecial = true
                }
            }
        }
        if addSpecial, vocabulary.addsEOS {
            guard let eos = vocabulary.eosID else { throw .missingSpecialToken(role: "EOS", key: "tokenizer.ggml.eos_token_id") }
            output.append(eos)
        }
        return output
    }

    func pieceBytes(_ token: Int32, special: Bool) -> [UInt8] {
        guard vocabulary.contains(token) else { return [] }
        if !special, !vocabulary.attributes[Int(token)].isDisjoint(with: .special) { return [] }
        return Array(pieces.bytes(token))
    }
}
