import Foundation

/// llama-perplexity's protocol: the text's tokens split into non-overlapping chunks of
/// `contextLength`, each starting with BOS when the model adds one, only the second half
/// of each chunk scored (so every scored token has at least half a context before it).
public struct PerplexityRunner {
    public var contextLength: Int = 512
    /// Chunks to score at most (`nil`: all that fit).
    public var maxChunks: Int?
    /// Chunks evaluated together in one batch (llama-perplexity's n_batch 2048 = 4 × 512).
    public var sequencesPerBatch: Int = 4
    public var bosToken: Int32?

    public init(contextLength: Int = 512, maxChunks: Int? = nil, bosToken: Int32? = nil) {
        self.contextLength = contextLength
        self.maxChunks = maxChunks
        self.bosToken = bosToken
    }

    /// The first scored position of a chunk.
    public var firstScored: Int { contextLength / 2 }
    /// Scored tokens per chunk: positions first ..< context−1 predict the token after them.
    public var scoredPerChunk: Int { contextLength - 1 - firstScored }

    public func chunkCount(tokens: Int) -> Int {
        let fit = tokens / contextLength
        return min(fit, maxChunks ?? fit)
    }

    /// The input sequence of chunk `index`.
    public func chunk(_ index: Int, of tokens: [Int32]) -> [Int32] {
        let start = index * contextLength
        var sequence = Array(tokens[start ..< start + contextLength])
        if let bosToken { sequence[0] = bosToken }
        return sequence
    }

    /// Scores `tokens`; `observe` sees each scored position's logits (chunk, offset in the
    /// scored range, target token, logits) before they are discarded — `compare` uses it.
    public func run(model: LanguageModel, tokens: [Int32], modelPath: String, textPath: String,
                    progress: (Int, Double) -> Void = { _, _ in },
                    observe: ((Int, Int, Int, UnsafeBufferPointer<Float>) -> Void)? = nil,
                    afterBatch: () -> Void = {}) throws -> PerplexityResult {
        guard contextLength >= 4, sequencesPerBatch >= 1 else {
            throw EvaluationError.invalidOption("context length must be at least 4")
        }
        guard tokens.count >= 2 * contextLength else {
            throw EvaluationError.textTooShort(path: textPath, tokens: tokens.count, needed: 2 * contextLength)
        }
        let chunks = chunkCount(tokens: tokens.count)
        let first = firstScored
        var accumulator = NLLAccumulator()
        var running: [Double] = []
        var modelSeconds = 0.0
        var chunk = 0
        while chunk < chunks {
            let batch = min(sequencesPerBatch, chunks - chunk)
            let sequences = (0 ..< batch).map { self.chunk(chunk + $0, of: tokens) }
            var nll = [[Double]](repeating: [Double](repeating: 0, count: scoredPerChunk), count: batch)
            let start = DispatchTime.now()
            let base = chunk
            // Time spent scoring logits is not model time; keep it out of tokens per second.
            var scoringNanoseconds: UInt64 = 0
            try model.evaluate(sequences: sequences, outputPositions: first ..< (contextLength - 1)) { seq, position, logits in
                let scoringStart = DispatchTime.now().uptimeNanoseconds
                let target = Int(tokens[(base + seq) * contextLength + position + 1])
                nll[seq][position - first] = -LogSoftmax.logProbability(of: target, logits: logits)
                observe?(base + seq, position - first, target, logits)
                scoringNanoseconds += DispatchTime.now().uptimeNanoseconds - scoringStart
            }
            let total = DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds
            modelSeconds += Double(total - min(total, scoringNanoseconds)) / 1e9
            afterBatch()
            for seq in 0 ..< batch {
                for value in nll[seq] { accumulator.add(value) }
                running.append(accumulator.perplexity)
                progress(base + seq, accumulator.perplexity)
            }
            chunk += batch
        }
        return PerplexityResult(modelPath: modelPath, contextLength: contextLength, chunks: chunks,
                                scoredTokens: accumulator.count, perplexity: accumulator.perplexity,
                                perplexityError: accumulator.perplexityError, runningPerplexity: running,
                                seconds: modelSeconds,
                                tokensPerSecond: modelSeconds > 0 ? Double(chunks * contextLength) / modelSeconds : 0)
    }
}
