/// llama.cpp's `llama` (SPM) tokenizer: special tokens split out, then each text
/// fragment gets a leading space when it starts the text or follows a special token
/// (with `add_space_prefix`), spaces become U+2581, and ``SentencePieceMerger`` merges.
struct SentencePieceTokenizer: TextTokenizer {
    let core: TokenizerCore

    init(vocabulary: EncodingVocabulary) {
        core = TokenizerCore(vocabulary: vocabulary)
    }

    var vocabularySize: Int { core.vocabulary.count }
    var bosTokenID: Int32? { core.vocabulary.bosID }
    var eosTokenID: Int32? { core.vocabulary.eosID }
    var addsBOS: Bool { core.vocabulary.addsBOS }
    var addsEOS: Bool { core.vocabulary.addsEOS }
    var addsSpacePrefix: Bool { core.vocabulary.addsSpacePrefix }

    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) throws(TokenizersError) -> [Int32] {
        var merger = SentencePieceMerger(vocabulary: core.vocabulary)
        var escaped: [UInt8] = []
        let prefix = core.vocabulary.addsSpacePrefix
        return try core.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial) {
            (bytes, range, afterSpecial, output) throws(TokenizersError) in
            escaped.removeAll(keepingCapacity: true)
            escaped.reserveCapacity(range.count + 3)
            if prefix, afterSpecial { escaped.append(contentsOf: Self.escapedSpace) }
            for byte in bytes[range] {
                if byte == 0x20 {
                    escaped.append(contentsOf: Self.escapedSpace)
                } else {
                    escaped.append(byte)
                }
            }
            try escaped.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(TokenizersError) in
                try merger.encode(buffer, fragmentOffset: range.lowerBound, into: &output)
            }
        }
    }

    func pieceBytes(_ token: Int32, special: Bool) -> [UInt8] {
        core.pieceBytes(token, special: special)
    }

    /// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space.
    private static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]
}
