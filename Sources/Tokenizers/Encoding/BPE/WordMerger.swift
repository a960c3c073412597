/// llama.cpp's byte-level BPE for one pre-tokenized word (`llm_tokenizer_bpe_session`):
/// one symbol per byte, then the lowest-ranked adjacent merge (leftmost on ties) is
/// applied until none is left. Results are cached per word for the length of one
/// `encode` call, since running text repeats words constantly.
struct WordMerger {
    private let vocabulary: EncodingVocabulary
    private let table: MergeTable
    private let ignoresMerges: Bool
    /// For each byte, the token spelled by its byte-level character when that character
    /// is ASCII; llama.cpp's last-resort fallback looks up single bytes of the text.
    private let fallbackToken: [Int32]

    // Word cache: word bytes → a run of ids in `cachedIDs`.
    private var cacheKeys = ByteStringTable(capacity: 4096)
    private var cacheRuns: [(start: Int32, count: Int32)] = []
    private var cachedIDs: [Int32] = []

    // Per-word scratch, reused between words.
    private var symbol: [Int32] = []
    private var length: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var queue = PriorityQueue<RankedPair>()
    private var encoded: [UInt8] = []

    init(vocabulary: EncodingVocabulary, table: MergeTable, ignoresMerges: Bool) {
        self.vocabulary = vocabulary
        self.table = table
        self.ignoresMerges = ignoresMerges
        fallbackToken = (0 ..< 256).map { byte in
            guard (0x21 ... 0x7E).contains(byte) else { return -1 }
            return [UInt8(byte)].withUnsafeBufferPointer { vocabulary.token(for: $0) }
        }
    }

    /// Appends the ids of one word (raw UTF-8 bytes).
    mutating func encode(_ word: UnsafeBufferPointer<UInt8>, into output: inout [Int32]) {
        let cached = cacheKeys.find(word)
        if cached >= 0 {
            let run = cacheRuns[Int(cached)]
            output.append(contentsOf: cachedIDs[Int(run.start) ..< Int(run.start + run.count)])
            return
        }
        let first = cachedIDs.count
        merge(word)
        cacheKeys.intern(word)
        cacheRuns.append((Int32(first), Int32(cachedIDs.count - first)))
        output.append(contentsOf: cachedIDs[first...])
    }

    /// Merges a word and appends its ids to `cachedIDs`.
    private mutating func merge(_ word: UnsafeBufferPointer<UInt8>) {
        if ignoresMerges {
            encoded.removeAll(keepingCapacity: true)
            ByteLevelAlphabet.encode(word, into: &encoded)
            let whole = encoded.withUnsafeBufferPointer { vocabulary.token(for: $0) }
            if whole >= 0 {
                cachedIDs.append(whole)
                return
            }
        }

        symbol.removeAll(keepingCapacity: true)
        length.removeAll(keepingCapacity: true)
        previous.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        queue.removeAll()
        for (index, byte) in word.enumerated() {
            symbol.append(table.byteSymbol[Int(byte)])
            length.append(1)
            previous.append(Int32(index) - 1)
            next.append(index + 1 == word.count ? -1 : Int32(index) + 1)
        }
        for right in 1 ..< max(word.count, 1) {
            offerPair(Int32(right - 1), Int32(right))
        }

        while let pair = queue.pop() {
            let left = Int(pair.left), right = Int(pair.right)
            // Stale when either side has changed since the pair was queued.
            guard length[left] > 0, length[right] > 0, symbol[left] == pair.leftSymbol, symbol[right] == pair.rightSymbol else {
                continue
            }
            symbol[left] = pair.result
            length[left] += length[right]
            length[right] = 0
            next[left] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = pair.left }
            offerPair(previous[left], pair.left)
            offerPair(pair.left, next[left])
        }

        var index: Int32 = word.count > 0 ? 0 : -1
        var offset = 0
        while index >= 0 {
            let current = Int(index)
            let token = table.tokenForSymbol[Int(symbol[current])]
            if token >= 0 {
                cachedIDs.append(token)
            } else {
                for byte in word[offset ..< offset + Int(length[current])] where fallbackToken[Int(byte)] >= 0 {
                    cachedIDs.append(fallbackToken[Int(byte)])
                }
            }
            offset += Int(length[current])
            index = next[current]
        }
    }

    private mutating func offerPair(_ left: Int32, _ right: Int32) {
        guard left >= 0, right >= 0 else { return }
        let leftSymbol = symbol[Int(left)], rightSymbol = symbol[Int(right)]
        guard let merge = table.merge(leftSymbol, rightSymbol) else { return }
        queue.push(RankedPair(rank: merge.rank, left: left, right: right, leftSymbol: leftSymbol,
                                   rightSymbol: rightSymbol, result: merge.result))
    }
}

/// A candidate merge: lowest rank first, then the leftmost (llama.cpp's order). The
/// symbols it joins are kept to recognise it as stale later.
struct RankedPair: QueueOrdered {
    var rank: Int32
    var left: Int32
    var right: Int32
    var leftSymbol: Int32
    var rightSymbol: Int32
    var result: Int32

    static func precedes(_ a: RankedPair, _ b: RankedPair) -> Bool {
        a.rank < b.rank || (a.rank == b.rank && a.left < b.left)
    }
}
