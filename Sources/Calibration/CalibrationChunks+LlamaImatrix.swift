extension CalibrationChunks {
    /// Chunks exactly as llama-imatrix cuts its `-f` text, so the same model and text give the
    /// same importance matrix.
    ///
    /// Like llama-imatrix: one trailing `"\n"` of `text` is dropped (its `-f` reader does that);
    /// the text is tokenized once, with `bos` in front when the model adds one (pass `nil` when
    /// it does not); with `firstChunk` (`--chunk`) > 0, more than (`firstChunk` + 2) ×
    /// `contextLength` tokens are needed and the first `firstChunk` × `contextLength` are
    /// dropped; then at least 2 × `contextLength` tokens must remain. The chunks are the
    /// consecutive, non-overlapping `contextLength`-token runs from the start (a partial run at
    /// the end is not used), at most `chunkLimit` of them (`--chunks`; `nil` or negative: all),
    /// and each one's first token is replaced by `bos` when given.
    ///
    /// `tokenize` must not add special tokens itself.
    public static func llamaImatrix(text: String, source: String, tokenize: (String) throws -> [Int32],
                                    contextLength: Int, chunkLimit: Int? = nil, firstChunk: Int = 0,
                                    bos: Int32?) throws -> [CalibrationChunk] {
        guard contextLength >= 1 else {
            throw CalibrationError.invalidOption("context length must be positive, got \(contextLength)")
        }
        guard firstChunk >= 0 else {
            throw CalibrationError.invalidOption("the first chunk must not be negative, got \(firstChunk)")
        }
        var body = text
        if body.utf8.last == UInt8(ascii: "\n") {
            // By bytes: "\r\n" is one Character, but llama-imatrix drops only the "\n".
            body = String(decoding: body.utf8.dropLast(), as: UTF8.self)
        }
        var tokens: [Int32] = bos.map { [$0] } ?? []
        tokens += try tokenize(body)
        let n = contextLength
        var skipped = 0
        if firstChunk > 0 {
            let (needed, overflow) = (firstChunk + 2).multipliedReportingOverflow(by: n)
            guard !overflow, needed < tokens.count else {
                throw CalibrationError.textTooShort(source: source, tokens: tokens.count,
                                                    needed: overflow ? Int.max : needed + 1)
            }
            skipped = firstChunk * n
        }
        let available = tokens.count - skipped
        guard available / 2 >= n else {
            throw CalibrationError.textTooShort(source: source, tokens: available, needed: 2 * n)
        }
        let fit = available / n
        let count = chunkLimit.map { $0 < 0 ? fit : min($0, fit) } ?? fit
        return (0 ..< count).map { index in
            let start = skipped + index * n
            var chunk = Array(tokens[start ..< start + n])
            if let bos { chunk[0] = bos }
            return CalibrationChunk(tokens: chunk, source: source, offset: start)
        }
    }
}
