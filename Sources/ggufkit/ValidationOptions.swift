import ArgumentParser
import Foundation

/// `--validate` and its limits, shared by `convert` and `quantize`: score the file just written
/// against its source on a text, and optionally fail (exit 3) when it is too far from it.
struct ValidationOptions: ParsableArguments {
    @Flag(name: .customLong("validate"), help: "After writing, score the output against its source (PPL, ΔPPL, KLD, top-1) on --validate-text.")
    var validateOutput = false

    @Option(name: .long, help: ArgumentHelp("Text to validate on (default: the built-in validation text, never used for calibration).",
                                            valueName: "file"))
    var validateText: String?

    @Option(name: .long, help: "Validation chunks to score at most.")
    var validateChunks: Int = 8

    @Option(name: .long, help: "Validation context length in tokens.")
    var validateContext: Int = 512

    @Option(name: .long, help: ArgumentHelp("Keep the source's log-probabilities here and reuse them when they match (default: a file per model and text under ~/.cache/ggufkit/logprobs).",
                                            valueName: "file"))
    var validateCache: String?

    @Option(name: .long, help: ArgumentHelp("Fail (exit 3, file kept) when the mean KL divergence from the source exceeds this (nats). Implies --validate.",
                                            valueName: "x"))
    var maxKld: Double?

    @Option(name: .long, help: ArgumentHelp("Fail (exit 3, file kept) when the perplexity rises more than this share above the source's, e.g. 5%. Implies --validate.",
                                            valueName: "x%"))
    var maxDppl: String?

    func validate() throws {
        guard validateChunks >= 1 else { throw ValidationError("--validate-chunks must be positive") }
        guard validateContext >= 8, validateContext <= 1 << 20 else {
            throw ValidationError("--validate-context must be in 8...1048576")
        }
        if let maxKld, !(maxKld >= 0 && maxKld.isFinite) { throw ValidationError("--max-kld must be a number >= 0") }
        if let maxDppl, Self.percent(maxDppl) == nil {
            throw ValidationError("--max-dppl must be a percentage >= 0, like 5% or 2.5")
        }
    }

    /// Whether any validation was asked for.
    var enabled: Bool { validateOutput || maxKld != nil || maxDppl != nil }

    var limits: ValidationLimits {
        ValidationLimits(maxKLDivergence: maxKld, maxDeltaPerplexityPercent: maxDppl.flatMap(Self.percent))
    }

    /// `5%`, `5` and `2.5%` all mean a percentage.
    static func percent(_ text: String) -> Double? {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else { return nil }
        return value
    }
}

/// The gate `--max-kld` and `--max-dppl` set.
struct ValidationLimits: Codable, Equatable {
    var maxKLDivergence: Double?
    var maxDeltaPerplexityPercent: Double?

    enum CodingKeys: String, CodingKey {
        case maxKLDivergence = "max_kl_divergence", maxDeltaPerplexityPercent = "max_delta_perplexity_percent"
    }

    /// One sentence per limit the figures miss.
    func failures(_ report: ValidationReport) -> [String] {
        var failures: [String] = []
        if let maxKLDivergence, !(report.meanKLDivergence <= maxKLDivergence) {
            failures.append(String(format: "mean KL divergence %.6f exceeds --max-kld %g", report.meanKLDivergence,
                                   maxKLDivergence))
        }
        if let maxDeltaPerplexityPercent, !(report.deltaPerplexityPercent <= maxDeltaPerplexityPercent) {
            failures.append(String(format: "perplexity %.4f is %+.2f%% from the source's %.4f, beyond --max-dppl %g%%",
                                   report.perplexity, report.deltaPerplexityPercent, report.originalPerplexity,
                                   maxDeltaPerplexityPercent))
        }
        return failures
    }
}
