/// llama.cpp's `gpt2` (byte-level BPE) tokenizer: special tokens split out, each text
/// fragment pre-tokenized into words by the `tokenizer.ggml.pre` rules, each word merged
/// by ``WordMerger``.
struct BytePairTokenizer: TextTokenizer {
    let core: TokenizerCore
    let preTokenizer: BPEPreTokenizer
    let table: MergeTable

    init(vocabulary: EncodingVocabulary, merges: [String]) throws(TokenizersError) {
        guard let preTokenizer = vocabulary.preTokenizer else {
            throw .invalidMetadata(key: "tokenizer.ggml.model", index: nil, reason: "not a gpt2 vocabulary")
        }
        core = TokenizerCore(vocabulary: vocabulary)
        self.preTokenizer = preTokenizer
        table = MergeTable(vocabulary: vocabulary, merges: merges)
    }

    var vocabularySize: Int { core.vocabulary.count }
    var bosTokenID: Int32? { core.vocabulary.bosID }
    var eosTokenID: Int32? { core.vocabulary.eosID }
    var addsBOS: Bool { core.vocabulary.addsBOS }
    var addsEOS: Bool { core.vocabulary.addsEOS }
    /// Byte-level BPE never adds a space of its own.
    var addsSpacePrefix: Bool { false }

    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) throws(TokenizersError) -> [Int32] {
        var merger = WordMerger(vocabulary: core.vocabulary, table: table, ignoresMerges: preTokenizer.ignoresMerges)
        let pre = preTokenizer
        return try core.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial) { bytes, range, _, output in
            let fragment = UnsafeBufferPointer(rebasing: bytes[range])
            let scalars = ScalarText(fragment)
            var first = 0
            for length in pre.split(scalars) {
                let words = scalars.byteStarts[first] ..< scalars.byteStarts[first + length]
                merger.encode(UnsafeBufferPointer(rebasing: fragment[words]), into: &output)
                first += length
            }
        }
    }

    func pieceBytes(_ token: Int32, special: Bool) -> [UInt8] {
        core.pieceBytes(token, special: special)
    }
}
