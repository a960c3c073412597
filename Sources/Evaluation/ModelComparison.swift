import Foundation

/// How one candidate compares with the original on the same text.
public struct CandidateReport: Sendable, Codable {
    public var path: String
    public var fileBytes: Int
    public var bitsPerWeight: Double?
    public var perplexity: Double
    public var perplexityError: Double
    public var deltaPerplexity: Double
    /// Mean KL(original ‖ candidate) over scored tokens, in nats.
    public var meanKLDivergence: Double
    public var klDivergenceP99: Double
    /// Fraction of scored tokens where both models' most likely next token agree.
    public var topTokenAgreement: Double
    public var tokensPerSecond: Double
    /// The calibration data of the importance matrix the file was quantized with
    /// (`quantize.imatrix.dataset`, or the imatrix file), `nil` for a plain file.
    public var importanceMatrix: String?
    /// The same figures per class of the predicted token, when asked for.
    public var byClass: [ClassReport]?
    /// The file's type as llama-quantize names it (`Q4_K_M`), when the file says.
    public var fileType: String?

    public init(path: String, fileBytes: Int, bitsPerWeight: Double?, perplexity: Double, perplexityError: Double,
                deltaPerplexity: Double, meanKLDivergence: Double, klDivergenceP99: Double, topTokenAgreement: Double,
                tokensPerSecond: Double) {
        self.path = path
        self.fileBytes = fileBytes
        self.bitsPerWeight = bitsPerWeight
        self.perplexity = perplexity
        self.perplexityError = perplexityError
        self.deltaPerplexity = deltaPerplexity
        self.meanKLDivergence = meanKLDivergence
        self.klDivergenceP99 = klDivergenceP99
        self.topTokenAgreement = topTokenAgreement
        self.tokensPerSecond = tokensPerSecond
    }

    enum CodingKeys: String, CodingKey {
        case path, fileBytes = "file_bytes", bitsPerWeight = "bits_per_weight", perplexity
        case perplexityError = "perplexity_error", deltaPerplexity = "delta_perplexity"
        case meanKLDivergence = "kl_divergence_mean", klDivergenceP99 = "kl_divergence_p99"
        case topTokenAgreement = "top1_agreement", tokensPerSecond = "tokens_per_second"
        case byClass = "by_class", fileType = "file_type"
    }
}

/// A candidate's figures over the scored positions whose predicted (target) token falls in one class.
public struct ClassReport: Sendable, Codable, Equatable {
    public var name: String
    public var tokens: Int
    /// Mean KL(original ‖ candidate) at those positions, in nats.
    public var meanKLDivergence: Double
    public var topTokenAgreement: Double
    /// Mean of log p_candidate(target) − log p_original(target), in nats: negative when the
    /// candidate finds those tokens less likely.
    public var meanLogProbChange: Double

    enum CodingKeys: String, CodingKey {
        case name, tokens, meanKLDivergence = "kl_divergence_mean", topTokenAgreement = "top1_agreement"
        case meanLogProbChange = "log_prob_change_mean"
    }
}

/// How ``ModelComparison`` groups scored positions for per-class figures: the classes'
/// names, and a class index for each target, given as its index in the scored token
/// sequence (so a class can depend on the tokens around it).
public struct TokenClassifier {
    public var names: [String]
    public var classify: (Int) -> Int

    /// `classify` maps an index into the token sequence to an index into `names`.
    public init(names: [String], classify: @escaping (Int) -> Int) {
        self.names = names
        self.classify = classify
    }
}

/// Running sums for one class.
private struct ClassSums {
    var tokens = 0
    var divergence = 0.0
    var agree = 0
    var logProbChange = 0.0
}

/// Scores the original once (or reads it from a cache), then each candidate against it.
public struct ModelComparison {
    public var runner: PerplexityRunner

    public init(runner: PerplexityRunner) {
        self.runner = runner
    }

    /// Scores `model` and writes its log-probabilities to a cache at `cachePath`, recording
    /// `modelFingerprint` (``ModelFingerprint``) so the cache is reused only for the same model.
    public func scoreBase(model: LanguageModel, tokens: [Int32], modelPath: String, textPath: String,
                          cachePath: String, modelFingerprint: String? = nil) throws -> LogProbCacheHeader {
        let vocab = model.vocabSize
        let scored = runner.scoredPerChunk
        let writer = try LogProbCacheWriter(path: cachePath, vocabSize: vocab, scoredPerChunk: scored)
        // Chunks arrive a batch at a time; each finished chunk is compressed and written at once.
        var pending: [Int: LogProbChunk] = [:]
        var rows = [Float](repeating: 0, count: vocab)
        var nextToWrite = 0
        var failure: (any Error)?
        let result = try runner.run(model: model, tokens: tokens, modelPath: modelPath, textPath: textPath,
                                    observe: { chunk, row, target, logits in
            if pending[chunk] == nil {
                pending[chunk] = LogProbChunk(nll: .init(repeating: 0, count: scored), argmax: .init(repeating: 0, count: scored),
                                              logProbs: .init(repeating: 0, count: scored * vocab))
            }
            rows.withUnsafeMutableBufferPointer { LogSoftmax.logProbabilities(logits, into: $0) }
            pending[chunk]!.nll[row] = -Double(rows[target])
            pending[chunk]!.argmax[row] = Int32(LogSoftmax.argmax(logits))
            pending[chunk]!.logProbs.withUnsafeMutableBufferPointer { out in
                for i in 0 ..< vocab { out[row * vocab + i] = Float16(rows[i]) }
            }
        }, afterBatch: {
            while failure == nil, let ready = pending.removeValue(forKey: nextToWrite) {
                do { try writer.append(ready) } catch { failure = error }
                nextToWrite += 1
            }
        })
        if let failure { throw failure }
        let header = LogProbCacheHeader(vocabSize: vocab, contextLength: runner.contextLength, chunks: result.chunks,
                                        scoredPerChunk: scored,
                                        tokenDigest: tokenDigest(tokens, context: runner.contextLength, chunks: result.chunks),
                                        modelPath: modelPath, perplexity: result.perplexity,
                                        perplexityError: result.perplexityError, tokensPerSecond: result.tokensPerSecond,
                                        seconds: result.seconds, runningPerplexity: result.runningPerplexity,
                                        modelFingerprint: modelFingerprint)
        try writer.commit(header: header)
        return header
    }

    /// Scores a candidate against a cached original.
    public func scoreCandidate(model: LanguageModel, tokens: [Int32], modelPath: String, textPath: String,
                               base: LogProbCacheReader, fileBytes: Int, bitsPerWeight: Double?,
                               classes: TokenClassifier? = nil) throws -> CandidateReport {
        let header = base.header
        guard model.vocabSize == header.vocabSize else {
            throw EvaluationError.vocabularyMismatch(base: header.vocabSize, candidate: model.vocabSize, candidatePath: modelPath)
        }
        guard tokenDigest(tokens, context: runner.contextLength, chunks: header.chunks) == header.tokenDigest else {
            throw EvaluationError.tokenizationMismatch(candidatePath: modelPath)
        }
        var candidateRunner = runner
        candidateRunner.maxChunks = header.chunks
        let vocab = header.vocabSize
        var loaded: [Int: LogProbChunk] = [:]
        var kl: [Double] = []
        kl.reserveCapacity(header.chunks * header.scoredPerChunk)
        var agree = 0
        var failure: (any Error)?
        var rows = [Float](repeating: 0, count: vocab)
        var sums = [ClassSums](repeating: ClassSums(), count: classes?.names.count ?? 0)
        let result = try candidateRunner.run(model: model, tokens: tokens, modelPath: modelPath, textPath: textPath,
                                             observe: { chunk, row, target, logits in
            guard failure == nil else { return }
            if loaded[chunk] == nil {
                do { loaded[chunk] = try base.chunk(chunk) } catch { failure = error; return }
            }
            let reference = loaded[chunk]!
            rows.withUnsafeMutableBufferPointer { LogSoftmax.logProbabilities(logits, into: $0) }
            var divergence = 0.0
            reference.logProbs.withUnsafeBufferPointer { lp in
                let offset = row * vocab
                for i in 0 ..< vocab {
                    let p = Float(lp[offset + i])
                    divergence += Double(expf(p) * (p - rows[i]))
                }
            }
            kl.append(max(0, divergence))
            let agrees = Int32(LogSoftmax.argmax(logits)) == reference.argmax[row]
            if agrees { agree += 1 }
            if let classes {
                let index = classes.classify(chunk * candidateRunner.contextLength + candidateRunner.firstScored + row + 1)
                guard sums.indices.contains(index) else { return }
                sums[index].tokens += 1
                sums[index].divergence += max(0, divergence)
                if agrees { sums[index].agree += 1 }
                sums[index].logProbChange += Double(rows[target]) + reference.nll[row]
            }
        }, afterBatch: { loaded.removeAll() })
        if let failure { throw failure }
        let byClass = classes.map { classes in
            zip(classes.names, sums).map { name, sum in
                let count = Double(max(sum.tokens, 1))
                return ClassReport(name: name, tokens: sum.tokens, meanKLDivergence: sum.divergence / count,
                                   topTokenAgreement: Double(sum.agree) / count, meanLogProbChange: sum.logProbChange / count)
            }
        }
        let sorted = kl.sorted()
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * 0.99).rounded()))]
        var report = CandidateReport(path: modelPath, fileBytes: fileBytes, bitsPerWeight: bitsPerWeight,
                               perplexity: result.perplexity, perplexityError: result.perplexityError,
                               deltaPerplexity: result.perplexity - header.perplexity,
                               meanKLDivergence: kl.isEmpty ? 0 : kl.reduce(0, +) / Double(kl.count),
                               klDivergenceP99: p99,
                               topTokenAgreement: kl.isEmpty ? 0 : Double(agree) / Double(kl.count),
                               tokensPerSecond: result.tokensPerSecond)
        report.byClass = byClass
        return report
    }
}
