import GGUF

/// `tokenizer.ggml.merges` as llama.cpp ranks them, over interned strings so a merge
/// step is an integer hash lookup.
///
/// Every string that can appear during merging is interned: the 256 byte-level
/// characters, both sides of every merge and their concatenations. Interned ids below
/// the vocabulary size are the token ids of the same text.
struct MergeTable: Sendable {
    /// Result of merging a pair.
    struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    /// Interned string ids of the 256 byte-level characters, by raw byte.
    let byteSymbol: [Int32]
    /// The token each interned string is, or -1.
    let tokenForSymbol: [Int32]
    private let merges: [UInt64: Merge]

    init(vocabulary: EncodingVocabulary, merges lines: [String]) {
        var strings = vocabulary.texts
        byteSymbol = ByteLevelAlphabet.utf8ForByte.map { strings.intern($0).id }
        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(lines.count)
        for (rank, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            // Split at the first space after the first byte; a line without one merges
            // two empty strings, which never occur (llama.cpp keeps such lines too).
            let space = bytes.dropFirst().firstIndex(of: 0x20)
            let left = space.map { Array(bytes[..<$0]) } ?? []
            let right = space.map { Array(bytes[($0 + 1)...]) } ?? []
            let leftID = strings.intern(left).id, rightID = strings.intern(right).id
            let key = Self.key(leftID, rightID)
            // The first rank of a repeated pair wins.
            guard merges[key] == nil else { continue }
            merges[key] = Merge(rank: Int32(rank), result: strings.intern(left + right).id)
        }
        self.merges = merges
        let tokenCount = vocabulary.count
        tokenForSymbol = (0 ..< strings.count).map { $0 < tokenCount ? Int32($0) : -1 }
    }

    /// The merge of two adjacent symbols, if the vocabulary has one.
    func merge(_ left: Int32, _ right: Int32) -> Merge? {
        merges[Self.key(left, right)]
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Reads `tokenizer.ggml.merges`, which llama.cpp requires for `gpt2` vocabularies.
    static func lines(from metadata: GGUFMetadata) throws(TokenizersError) -> [String] {
        guard let lines = try MetadataFields(metadata: metadata).strings(GGUFKey.tokenizerMerges) else {
            throw .missingMetadata(key: GGUFKey.tokenizerMerges)
        }
        guard lines.count < Int(Int32.max) else {
            throw .invalidMetadata(key: GGUFKey.tokenizerMerges, index: nil, reason: "\(lines.count) merges")
        }
        return lines
    }
}
