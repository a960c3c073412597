/// Tokens of one or more sequences pushed through the layers together, row after row.
struct TokenBatch {
    /// A run of consecutive rows that belong to one sequence.
    struct Segment {
        /// Index of the sequence in the caller's request.
        let sequence: Int
        let firstRow: Int
        let count: Int
        /// Position of the segment's first token in its sequence (0 unless a KV cache holds earlier tokens).
        let firstPosition: Int
    }

    private(set) var tokens: [Int32] = []
    private(set) var segments: [Segment] = []
    /// The position of every row.
    private(set) var positions: [Int] = []

    var rowCount: Int { tokens.count }

    mutating func append(sequence: Int, tokens newTokens: [Int32], firstPosition: Int) {
        guard !newTokens.isEmpty else { return }
        segments.append(Segment(sequence: sequence, firstRow: tokens.count, count: newTokens.count,
                                firstPosition: firstPosition))
        tokens.append(contentsOf: newTokens)
        positions.append(contentsOf: firstPosition ..< firstPosition + newTokens.count)
    }
}
