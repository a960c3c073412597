import GGUF

extension ImportanceMatrix {
    /// The per-column weights llama-quantize hands to ggml's quantizer for `tensorName`,
    /// bit for bit, or `nil` when the matrix has no entry for it.
    ///
    /// For each matrix `j` of the entry, every column's sum is divided (in `Float`) by the
    /// count rounded half away from zero, as llama.cpp's `lround`; a matrix whose count is 0
    /// (an expert no token was routed to) gets weight 1 in every column. Entries read from a
    /// legacy `.dat` file hold `average × calls` with the call count as their one count, so
    /// the same division gives llama-quantize's legacy result (`value / ncall`).
    ///
    /// Only the total size is compared, as llama-quantize does: `columns × matrixCount` must
    /// equal the entry's number of sums. One exception is kept from llama-quantize: for
    /// `token_embd.weight` and `per_layer_token_embd.weight` a mismatch gives `nil` (the
    /// tensor is quantized without importance data) instead of an error.
    ///
    /// - Parameters:
    ///   - columns: The tensor's row length (`ne[0]`).
    ///   - matrixCount: Matrices in the tensor (`ne[2]`, the experts of a merged MoE tensor).
    /// - Throws: ``ImportanceMatrixError/sizeMismatch(tensor:importance:expected:)``.
    public func importance(for tensorName: String, columns: Int, matrixCount: Int = 1) throws(ImportanceMatrixError) -> [Float]? {
        guard let entry = entries[tensorName] else { return nil }
        let (expected, overflow) = columns.multipliedReportingOverflow(by: matrixCount)
        guard columns > 0, matrixCount > 0, !overflow else {
            throw .sizeMismatch(tensor: tensorName, importance: entry.sums.count, expected: overflow ? Int.max : expected)
        }
        guard entry.sums.count == expected else {
            if tensorName == "token_embd.weight" || tensorName == "per_layer_token_embd.weight" { return nil }
            throw .sizeMismatch(tensor: tensorName, importance: entry.sums.count, expected: expected)
        }

        let perMatrix = entry.sums.count / entry.counts.count
        var weights = [Float](repeating: 1, count: entry.sums.count)
        for (matrix, rawCount) in entry.counts.enumerated() {
            // lround then back to float: exact, since a rounded float is already an integer.
            let count = rawCount.rounded(.toNearestOrAwayFromZero)
            guard count > 0 else { continue }
            for index in matrix * perMatrix ..< (matrix + 1) * perMatrix {
                weights[index] = entry.sums[index] / count
            }
        }
        return weights
    }

    /// The metadata llama-quantize adds to its output when given this matrix (after any
    /// filtering): `quantize.imatrix.file` (the path as given on its command line),
    /// `quantize.imatrix.dataset` (the first dataset), `quantize.imatrix.entries_count` and,
    /// when known, `quantize.imatrix.chunks_count`, in that order. Empty when there are no
    /// entries, since llama-quantize then quantizes without importance data.
    ///
    /// Strings are cut to 127 bytes as llama-quantize's fixed buffers cut them; where that
    /// would split a UTF-8 sequence the cut is made before it instead, so such a path differs.
    public func quantizationMetadata(imatrixPath: String) -> GGUFMetadata {
        guard !entries.isEmpty else { return GGUFMetadata() }
        var metadata = GGUFMetadata()
        metadata["quantize.imatrix.file"] = .string(Self.truncated(imatrixPath))
        if let first = datasets.first {
            metadata["quantize.imatrix.dataset"] = .string(Self.truncated(first))
        }
        metadata["quantize.imatrix.entries_count"] = .uint32(UInt32(clamping: entries.count))
        if chunkCount > 0 {
            metadata["quantize.imatrix.chunks_count"] = .uint32(UInt32(clamping: chunkCount))
        }
        return metadata
    }

    /// `text` cut to at most 127 UTF-8 bytes without splitting a character's encoding.
    private static func truncated(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            used += UTF8.width(scalar)
            guard used <= 127 else { break }
            result.append(scalar)
        }
        return String(result)
    }
}
