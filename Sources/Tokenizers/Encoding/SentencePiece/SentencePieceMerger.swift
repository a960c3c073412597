/// llama.cpp's SentencePiece-style encoder (`llm_tokenizer_spm_session`) for one text
/// fragment whose spaces are already escaped as U+2581: start from single characters and
/// keep merging the adjacent pair whose concatenation is the highest-scoring token
/// (leftmost first on ties); what never becomes a token is spelled with byte tokens.
///
/// The whole fragment is one sequence (no word splitting), so pairs are kept in a binary
/// heap and stale entries are skipped when popped.
struct SentencePieceMerger {
    private let vocabulary: EncodingVocabulary
    /// The longest token text in bytes; longer pairs cannot be tokens.
    private let longestToken: Int

    // Symbols: byte start and length in the text (length 0 once merged away) and links.
    private var start: [Int32] = []
    private var length: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var queue = PriorityQueue<ScoredPair>()

    init(vocabulary: EncodingVocabulary) {
        self.vocabulary = vocabulary
        longestToken = vocabulary.longestTokenLength
    }

    /// Appends the ids for `text`; `fragmentOffset` only labels errors.
    mutating func encode(_ text: UnsafeBufferPointer<UInt8>, fragmentOffset: Int, into output: inout [Int32]) throws(TokenizersError) {
        guard text.count > 0 else { return }
        start.removeAll(keepingCapacity: true)
        length.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        queue.removeAll()

        // One symbol per UTF-8 character (by lead byte, clipped at the end, as llama.cpp does).
        var offset = 0
        while offset < text.count {
            let size = min(Self.characterLength(text[offset]), text.count - offset)
            let index = Int32(start.count)
            start.append(Int32(offset))
            length.append(Int32(size))
            previous.append(index - 1)
            offset += size
            next.append(offset == text.count ? -1 : index + 1)
        }
        for right in 1 ..< max(start.count, 1) {
            offerPair(text, Int32(right - 1), Int32(right))
        }

        while let pair = queue.pop() {
            let left = Int(pair.left), right = Int(pair.right)
            // Stale: one side already merged into something else.
            guard length[left] > 0, length[right] > 0, length[left] + length[right] == pair.size else { continue }
            length[left] += length[right]
            length[right] = 0
            next[left] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = pair.left }
            offerPair(text, previous[left], pair.left)
            offerPair(text, pair.left, next[left])
        }

        var index: Int32 = 0
        while index >= 0 {
            let symbol = Int(index)
            let bytes = UnsafeBufferPointer(rebasing: text[Int(start[symbol]) ..< Int(start[symbol] + length[symbol])])
            let id = vocabulary.token(for: bytes)
            if id >= 0 {
                output.append(id)
            } else {
                // A merged symbol is always a token, so only unknown characters get here.
                for byte in bytes {
                    output.append(try byteToken(byte, fragmentOffset: fragmentOffset))
                }
            }
            index = next[symbol]
        }
    }

    /// Queues the pair if its concatenation is a token.
    private mutating func offerPair(_ text: UnsafeBufferPointer<UInt8>, _ left: Int32, _ right: Int32) {
        guard left >= 0, right >= 0 else { return }
        let size = Int(length[Int(left)] + length[Int(right)])
        guard size <= longestToken else { return }
        let begin = Int(start[Int(left)])
        let id = vocabulary.token(for: UnsafeBufferPointer(rebasing: text[begin ..< begin + size]))
        guard id >= 0 else { return }
        queue.push(ScoredPair(score: vocabulary.scores[Int(id)], left: left, right: right, size: Int32(size)))
    }

    /// llama.cpp's `byte_to_token` for SentencePiece vocabularies: the `<0xXX>` piece, else
    /// a token that is the byte itself. llama.cpp throws when neither exists; the unknown
    /// token stands in here, as in SentencePiece itself.
    private func byteToken(_ byte: UInt8, fragmentOffset: Int) throws(TokenizersError) -> Int32 {
        let hex = Array("0123456789ABCDEF".utf8)
        let piece: [UInt8] = [0x3C, 0x30, 0x78, hex[Int(byte >> 4)], hex[Int(byte & 15)], 0x3E]  // <0xXX>
        let id = piece.withUnsafeBufferPointer { vocabulary.token(for: $0) }
        if id >= 0 { return id }
        let single = [byte].withUnsafeBufferPointer { vocabulary.token(for: $0) }
        if single >= 0 { return single }
        if let unknown = vocabulary.unknownID { return unknown }
        throw .unencodableByte(byte: byte, fragmentOffset: fragmentOffset)
    }

    /// UTF-8 sequence length from the lead byte's high nibble (continuation bytes count as 1).
    private static func characterLength(_ lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: return 2
        case 0xE: return 3
        case 0xF: return 4
        default: return 1
        }
    }
}

/// A candidate merge: higher score first, then the leftmost (llama.cpp's order).
struct ScoredPair: QueueOrdered {
    var score: Float
    var left: Int32
    var right: Int32
    var size: Int32

    static func precedes(_ a: ScoredPair, _ b: ScoredPair) -> Bool {
        a.score > b.score || (a.score == b.score && a.left < b.left)
    }
}
