/// An importance matrix as llama-imatrix computes it: for each weight matrix of a model,
/// the sums of squared input activations per column and the number of tokens seen.
///
/// llama-quantize turns it into one weight per column (``importance(for:columns:matrixCount:)``)
/// that the low-bit quantizers use to spend precision where activations are large. Read one
/// with ``init(contentsOf:)`` (GGUF or legacy `.dat`), write one with ``write(to:)`` (GGUF).
public struct ImportanceMatrix: Equatable, Sendable {
    /// The sums and token counts collected for one weight tensor.
    ///
    /// A tensor with several matrices (the experts of a mixture-of-experts layer) has one
    /// count per matrix and `matrixCount × columns` sums, matrix after matrix.
    public struct Entry: Equatable, Sendable {
        /// Columns of each matrix: the tensor's row length (`ne[0]`).
        public let columns: Int
        /// Per-column sums of squared activations, `matrixCount × columns` values.
        public let sums: [Float]
        /// Tokens seen, one per matrix. Whole numbers in practice; llama.cpp rounds them.
        public let counts: [Float]

        /// How many matrices the sums cover (one per count).
        public var matrixCount: Int { counts.count }

        /// Validates and stores one entry.
        ///
        /// - Throws: ``ImportanceMatrixError/invalidEntry(reason:)`` when `columns` or `counts`
        ///   is empty, `sums` does not hold exactly `columns × counts.count` values, a sum is
        ///   NaN, infinite or negative, or a count is NaN, infinite, negative or ≥ 2^63.
        public init(columns: Int, sums: [Float], counts: [Float]) throws(ImportanceMatrixError) {
            guard columns > 0 else { throw .invalidEntry(reason: "columns must be positive, not \(columns)") }
            guard !counts.isEmpty else { throw .invalidEntry(reason: "there must be at least one count") }
            let (expected, overflow) = columns.multipliedReportingOverflow(by: counts.count)
            guard !overflow, sums.count == expected else {
                throw .invalidEntry(reason: "\(counts.count) matrices of \(columns) columns need \(columns) × \(counts.count) sums, not \(sums.count)")
            }
            if let index = sums.firstIndex(where: { !Self.isValidSum($0) }) {
                throw .invalidEntry(reason: "sum \(index) is \(sums[index]); sums of squares must be finite and non-negative")
            }
            if let index = counts.firstIndex(where: { !Self.isValidCount($0) }) {
                throw .invalidEntry(reason: "count \(index) is \(counts[index]); counts must be finite, non-negative and below 2^63")
            }
            self.init(validatedColumns: columns, sums: sums, counts: counts)
        }

        /// For readers that have already checked everything with file context.
        init(validatedColumns columns: Int, sums: [Float], counts: [Float]) {
            self.columns = columns
            self.sums = sums
            self.counts = counts
        }

        static func isValidSum(_ value: Float) -> Bool { value.isFinite && value >= 0 }

        /// llama.cpp rounds counts to `int64` with `lround`, which is undefined past 2^63.
        static func isValidCount(_ value: Float) -> Bool { value.isFinite && value >= 0 && value < 0x1p63 }
    }

    /// The text files the sums were collected on (llama-imatrix records their paths).
    public var datasets: [String]
    /// How many chunks of ``chunkSize`` tokens were processed.
    public var chunkCount: Int
    /// Tokens per chunk (llama-imatrix's context size per sequence); 0 when read from a legacy file.
    public var chunkSize: Int
    /// The entries, keyed by the weight tensor's name (e.g. `blk.0.attn_q.weight`).
    public var entries: [String: Entry]

    /// Entry names in the order llama-imatrix writes them: sorted by their UTF-8 bytes.
    public var names: [String] {
        entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The `general.type` value that marks a GGUF file as an importance matrix.
    public static let generalType = "imatrix"

    /// Assembles a matrix from its parts, e.g. after accumulating activations.
    public init(datasets: [String] = [], chunkCount: Int = 0, chunkSize: Int = 0, entries: [String: Entry] = [:]) {
        self.datasets = datasets
        self.chunkCount = chunkCount
        self.chunkSize = chunkSize
        self.entries = entries
    }
}

/// Names that llama.cpp's importance-matrix files use.
enum ImatrixKey {
    static let datasets = "imatrix.datasets"
    static let chunkCount = "imatrix.chunk_count"
    static let chunkSize = "imatrix.chunk_size"
    static let sumsSuffix = ".in_sum2"
    static let countsSuffix = ".counts"
}
