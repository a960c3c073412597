import Evaluation
import Foundation

/// The original model's log-probabilities on a text, which `compare`, `--validate` and `batch`
/// score candidates against: read from a cache file when it was made from the same model, text
/// and context, otherwise scored now and written there.
struct OriginalLogProbs {
    var header: LogProbCacheHeader
    var reader: LogProbCacheReader
    /// Whether the cache was reused rather than scored now.
    var reused: Bool

    /// Reuses `cachePath` when its header matches; `fingerprint` `nil` means the cache is private to
    /// this run (a temporary file) and is never trusted.
    static func prepare(original: LoadedModel, tokens: [Int32], textName: String, comparison: ModelComparison,
                        cachePath: String, fingerprint: String?, log: (String) -> Void) throws -> OriginalLogProbs {
        let chunks = comparison.runner.chunkCount(tokens: tokens.count)
        let digest = tokenDigest(tokens, context: comparison.runner.contextLength, chunks: chunks)
        if fingerprint != nil, FileManager.default.fileExists(atPath: cachePath) {
            if let reader = try? LogProbCacheReader(path: cachePath) {
                let cached = reader.header
                if cached.tokenDigest == digest, cached.vocabSize == original.model.vocabSize,
                   cached.modelFingerprint == fingerprint {
                    log("reusing the original's log-probabilities from \(cachePath)")
                    return OriginalLogProbs(header: cached, reader: reader, reused: true)
                }
            }
            // Same path, different model or text: scoring again is the only safe answer.
            log("\(cachePath) was made from another model, text or context; scoring the original again")
        }
        log("scoring the original \(original.path) (\(chunks) chunks of \(comparison.runner.contextLength))")
        let header = try comparison.scoreBase(model: original.model, tokens: tokens, modelPath: original.path,
                                              textPath: textName, cachePath: cachePath, modelFingerprint: fingerprint)
        if fingerprint != nil { log("saved the original's log-probabilities to \(cachePath)") }
        return OriginalLogProbs(header: header, reader: try LogProbCacheReader(path: cachePath), reused: false)
    }

    /// Where cached log-probabilities live when no path is given: `GGUFKIT_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/ggufkit`, else `~/.cache/ggufkit`, in `logprobs/`.
    static var defaultFolder: String {
        let environment = ProcessInfo.processInfo.environment
        let root = environment["GGUFKIT_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 + "/ggufkit" }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/ggufkit").path
        return (root as NSString).appendingPathComponent("logprobs")
    }

    /// A cache file name that differs for every model, text and context, so one folder can hold
    /// the caches of many originals.
    static func defaultPath(fingerprint: String, tokens: [Int32], runner: PerplexityRunner) -> String {
        let chunks = runner.chunkCount(tokens: tokens.count)
        let digest = tokenDigest(tokens, context: runner.contextLength, chunks: chunks)
        let name = "\(fingerprint.prefix(16))-\(digest)-c\(runner.contextLength)x\(chunks).klp"
        return (defaultFolder as NSString).appendingPathComponent(name)
    }
}
