/// Cuts calibration documents into token chunks, deterministically: the same documents,
/// tokenizer and parameters always give the same chunks, in the same order.
public enum CalibrationChunks {
    /// Chunks spread over every document, so each source (language, domain) is represented.
    ///
    /// The rule:
    /// 1. Each document is tokenized on its own, without special tokens. A chunk is `window`
    ///    consecutive tokens of one document, where `window` is `chunkLength`, or
    ///    `chunkLength − 1` when `bos` is given (BOS is then put in front, so no text token is
    ///    lost to it). A document holds `max(1, tokens / window)` non-overlapping windows; a
    ///    document shorter than a window gives one chunk with all its tokens (a short chunk).
    ///    Documents with no tokens give nothing.
    /// 2. When `chunkCount` is at least the windows of all documents, every window is taken.
    ///    When it is smaller than the number of documents, one chunk is taken from each of
    ///    `chunkCount` documents spaced evenly through the list (document
    ///    ⌊(2k + 1)·D / (2·chunkCount)⌋ for k = 0, 1, …). Otherwise every document gets one
    ///    chunk and the rest are shared in proportion to the documents' token counts (largest
    ///    remainders first, ties to the earlier document); a document's share is capped at its
    ///    windows and what the cap cuts off is shared again among the others the same way.
    /// 3. A document with `m` chunks and `T` tokens gives the windows starting at
    ///    ⌊j·T / m⌋ for j = 0 … m − 1: the starts of `m` equal slices, so the windows cover the
    ///    whole document evenly without overlapping.
    ///
    /// Chunks come back in document order, then position order.
    public static func spread(documents: [CalibrationDocument], tokenize: (String) throws -> [Int32],
                              chunkLength: Int, chunkCount: Int, bos: Int32? = nil) throws -> [CalibrationChunk] {
        let prefix: [Int32] = bos.map { [$0] } ?? []
        guard chunkLength > prefix.count else {
            throw CalibrationError.invalidOption("chunk length must be at least \(prefix.count + 1) tokens, got \(chunkLength)")
        }
        guard chunkCount >= 1 else {
            throw CalibrationError.invalidOption("chunk count must be at least 1, got \(chunkCount)")
        }
        let window = chunkLength - prefix.count
        var streams: [(name: String, tokens: [Int32])] = []
        for document in documents {
            let tokens = try tokenize(document.text)
            if !tokens.isEmpty { streams.append((document.name, tokens)) }
        }
        guard !streams.isEmpty else {
            throw CalibrationError.noTokens(documents: documents.map(\.name).joined(separator: ", "))
        }
        let counts = allot(chunkCount, weights: streams.map(\.tokens.count),
                           capacities: streams.map { max(1, $0.tokens.count / window) })
        var chunks: [CalibrationChunk] = []
        for (stream, count) in zip(streams, counts) where count > 0 {
            let total = stream.tokens.count
            for j in 0 ..< count {
                let start = count.dividingFullWidth(j.multipliedFullWidth(by: total)).quotient
                let end = min(total, start + window)
                chunks.append(CalibrationChunk(tokens: prefix + stream.tokens[start ..< end], source: stream.name,
                                               offset: start))
            }
        }
        return chunks
    }

    /// How many chunks each source gives: `total` shared by the rule of ``spread(documents:tokenize:chunkLength:chunkCount:bos:)``.
    static func allot(_ total: Int, weights: [Int], capacities: [Int]) -> [Int] {
        let sources = weights.count
        if total >= capacities.reduce(0, +) { return capacities }
        var counts = [Int](repeating: 0, count: sources)
        if total < sources {
            for k in 0 ..< total { counts[(2 * k + 1) * sources / (2 * total)] = 1 }
            return counts
        }
        counts = [Int](repeating: 1, count: sources)
        var remaining = total - sources
        while remaining > 0 {
            // Sources below their cap share what is left; total < Σ capacities keeps one open.
            let open = (0 ..< sources).filter { counts[$0] < capacities[$0] }
            let weightSum = open.reduce(0) { $0 + weights[$1] }
            var shares = open.map { index -> (index: Int, quota: Int, remainder: Int) in
                let (quota, remainder) = weightSum.dividingFullWidth(remaining.multipliedFullWidth(by: weights[index]))
                return (index, quota, remainder)
            }
            let leftover = remaining - shares.reduce(0) { $0 + $1.quota }
            let order = shares.indices.sorted {
                shares[$0].remainder != shares[$1].remainder ? shares[$0].remainder > shares[$1].remainder : $0 < $1
            }
            for position in order.prefix(leftover) { shares[position].quota += 1 }
            for share in shares {
                let granted = min(share.quota, capacities[share.index] - counts[share.index])
                counts[share.index] += granted
                remaining -= granted
            }
        }
        return counts
    }
}
