import Calibration
import Evaluation
import FileSupport
import Foundation

/// How a written file compares with its source on the validation text, and whether it passed
/// the limits asked for.
struct ValidationReport: Codable, Equatable {
    var text: String
    var context: Int
    var chunks: Int
    var original: String
    var originalPerplexity: Double
    var perplexity: Double
    var perplexityError: Double
    var deltaPerplexity: Double
    /// ΔPPL as a percentage of the source's perplexity (what `--max-dppl` limits).
    var deltaPerplexityPercent: Double
    var meanKLDivergence: Double
    var klDivergenceP99: Double
    var topTokenAgreement: Double
    /// Whether the source's log-probabilities came from the cache rather than being scored now.
    var reusedOriginal: Bool
    var limits: ValidationLimits
    var failures: [String]
    var passed: Bool

    enum CodingKeys: String, CodingKey {
        case text, context, chunks, original, originalPerplexity = "original_perplexity", perplexity
        case perplexityError = "perplexity_error", deltaPerplexity = "delta_perplexity"
        case deltaPerplexityPercent = "delta_perplexity_percent", meanKLDivergence = "kl_divergence_mean"
        case klDivergenceP99 = "kl_divergence_p99", topTokenAgreement = "top1_agreement"
        case reusedOriginal = "reused_original", limits, failures, passed
    }

    /// The line `convert` and `quantize` print.
    var line: String {
        String(format: "validated on %@ (%d chunks of %d): PPL %.4f (source %.4f), ΔPPL %+.4f (%+.2f%%), KLD %.6f, top-1 %.2f%%",
               text, chunks, context, perplexity, originalPerplexity, deltaPerplexity, deltaPerplexityPercent,
               meanKLDivergence, topTokenAgreement * 100)
    }
}

/// Scores a file just written against its source: the source's log-probabilities come from the
/// cache when it holds them for the same model, text and context (see ``OriginalLogProbs``).
enum Validator {
    static func run(original: String, candidate: String, options: ValidationOptions, threads: Int,
                    log: (String) -> Void) throws -> ValidationReport {
        let text: String
        let textName: String
        if let path = options.validateText {
            guard let data = readWholeFile(atPath: path) else {
                throw EvaluationError.invalidOption("\(path): cannot read the validation text")
            }
            text = String(decoding: data, as: UTF8.self)
            textName = path
        } else {
            let document = try ValidationText.builtIn
            text = document.text
            textName = document.name
        }
        let source = try LoadedModel.open(original, threads: threads)
        let tokens = try source.tokenize(text: text)
        var runner = PerplexityRunner(contextLength: options.validateContext, maxChunks: options.validateChunks,
                                      bosToken: source.chunkBOS)
        runner.sequencesPerBatch = 4
        let comparison = ModelComparison(runner: runner)
        guard tokens.count >= 2 * runner.contextLength else {
            throw EvaluationError.textTooShort(path: textName, tokens: tokens.count, needed: 2 * runner.contextLength)
        }
        let fingerprint = try ModelFingerprint.of(path: original)
        let cachePath = options.validateCache
            ?? OriginalLogProbs.defaultPath(fingerprint: fingerprint, tokens: tokens, runner: runner)
        try FileManager.default.createDirectory(atPath: (cachePath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let scores = try OriginalLogProbs.prepare(original: source, tokens: tokens, textName: textName,
                                                  comparison: comparison, cachePath: cachePath,
                                                  fingerprint: fingerprint, log: log)
        log("validating \(candidate)")
        let loaded = try LoadedModel.open(candidate, threads: threads)
        let report = try comparison.scoreCandidate(model: loaded.model, tokens: try loaded.tokenize(text: text),
                                                   modelPath: candidate, textPath: textName, base: scores.reader,
                                                   fileBytes: loaded.fileBytes, bitsPerWeight: loaded.bitsPerWeight)
        let base = scores.header.perplexity
        var result = ValidationReport(
            text: textName, context: runner.contextLength, chunks: scores.header.chunks, original: original,
            originalPerplexity: base, perplexity: report.perplexity, perplexityError: report.perplexityError,
            deltaPerplexity: report.deltaPerplexity, deltaPerplexityPercent: report.deltaPerplexity / base * 100,
            meanKLDivergence: report.meanKLDivergence, klDivergenceP99: report.klDivergenceP99,
            topTokenAgreement: report.topTokenAgreement, reusedOriginal: scores.reused, limits: options.limits,
            failures: [], passed: true)
        result.failures = options.limits.failures(result)
        result.passed = result.failures.isEmpty
        return result
    }
}
