import ArgumentParser
import Conversion
import Foundation
import Passes

/// The compression passes `convert` and `quantize` share: attention-head pruning, AWQ scaling, and an importance matrix
/// from a file or computed from calibration text on the fly.
struct PassOptions: ParsableArguments {
    @Flag(name: .long, help: "Activation-aware scaling (AWQ), searched for each tensor's ggml type and folded into the weights; calibrated on --calibration's text, or on the built-in corpus.")
    var awq = false

    @Option(name: .long, help: ArgumentHelp("Search the AWQ scales as if every matrix were this type (the written type still comes from --type).",
                                            valueName: "type"))
    var awqSearchType: String?

    @Option(name: .long, help: ArgumentHelp("Remove this share of all query heads (10%) or this many heads, rounded to whole pruning units; the least important go first.",
                                            valueName: "amount"))
    var pruneHeads: String?

    @Option(name: .long, help: "How heads are ranked for --prune-heads: importance (calibrated), norm or random.")
    var pruneMethod: String = PruneMethod.importance.rawValue

    @Option(name: .long, help: "What one pruning unit removes: group (a key/value group with its query heads) or query (one query head from every group of a layer).")
    var pruneGranularity: String = PruneGranularity.group.rawValue

    @Flag(name: .long, inversion: .prefixedNo, help: "Add the removed heads' mean output on the calibration text as an attn_output bias (off by default: it made SmolLM2 worse).")
    var pruneCompensation = false

    @Flag(name: .long, help: "Remove the same number of units from every layer (keeps the llama architecture).")
    var pruneUniform = false

    @Option(name: .long, help: ArgumentHelp("What a head's error is divided by: attention (default), stream or absolute.", visibility: .hidden))
    var pruneScore: String = HeadPruningPass.ScoreScale.attention.rawValue

    @Option(name: .long, help: "Score and remove in this many rounds, re-measuring the pruned model before each (default 1).")
    var pruneRounds: Int = 1

    @Option(name: .long, help: "Seed for --prune-method random.")
    var seed: UInt64 = 0

    @Option(name: .long, help: ArgumentHelp("Importance matrix (llama-imatrix GGUF or legacy .dat) for the quantizer.",
                                            valueName: "file"))
    var imatrix: String?

    @Option(name: .long, help: ArgumentHelp("Compute an importance matrix from this calibration text (a .txt or .jsonl file, a folder of them, or 'default' for the built-in corpus) and quantize with it.",
                                            valueName: "path"))
    var calibration: String?

    @Option(name: .long, help: "Calibration chunks to run (default: 100 for an importance matrix, 16 for AWQ).")
    var chunks: Int?

    @Option(name: [.customShort("c"), .long], help: "Calibration context length in tokens (default 512).")
    var context: Int = 512

    @Option(name: .long, help: ArgumentHelp("Also save the computed importance matrix here (GGUF).", valueName: "file"))
    var imatrixOut: String?

    func validate() throws {
        if imatrix != nil, calibration != nil {
            throw ValidationError("--imatrix and --calibration cannot be used together")
        }
        if imatrixOut != nil, calibration == nil {
            throw ValidationError("--imatrix-out needs --calibration (it saves the matrix computed from it)")
        }
        if awqSearchType != nil, !awq { throw ValidationError("--awq-search-type needs --awq") }
        if let awqSearchType, (try? TensorTypeOverride.writableType(named: awqSearchType, option: "--awq-search-type")) == nil {
            throw ValidationError("--awq-search-type: unknown type '\(awqSearchType)'")
        }
        if let pruneHeads {
            do {
                _ = try PruneAmount(parsing: pruneHeads)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if PruneMethod(rawValue: pruneMethod) == nil {
            throw ValidationError("--prune-method must be one of \(PruneMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if PruneGranularity(rawValue: pruneGranularity) == nil {
            throw ValidationError("--prune-granularity must be group or query")
        }
        if HeadPruningPass.ScoreScale(rawValue: pruneScore) == nil {
            throw ValidationError("--prune-score must be stream, attention or absolute")
        }
        guard (1 ... 1000).contains(pruneRounds) else { throw ValidationError("--prune-rounds must be in 1...1000") }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be positive") }
        guard context >= 16, context <= 1 << 20 else { throw ValidationError("-c must be in 16...1048576") }
    }

    /// The passes these options ask for.
    func passes(selection: ImportanceSelection) throws -> [any ModelPass] {
        var passes: [any ModelPass] = []
        let corpus = calibration == "default" ? nil : calibration
        if let pruneHeads {
            var pass = HeadPruningPass(amount: try PruneAmount(parsing: pruneHeads), amountText: pruneHeads,
                                       request: CalibrationRequest(corpusPath: corpus, chunkCount: chunks ?? 16,
                                                                   contextLength: context))
            pass.method = PruneMethod(rawValue: pruneMethod) ?? .importance
            pass.granularity = PruneGranularity(rawValue: pruneGranularity) ?? .group
            pass.compensate = pruneCompensation
            pass.uniform = pruneUniform
            pass.seed = seed
            pass.scoreScale = HeadPruningPass.ScoreScale(rawValue: pruneScore) ?? .attention
            pass.rounds = pruneRounds
            passes.append(pass)
        }
        if awq {
            var pass = AWQPass(request: CalibrationRequest(corpusPath: corpus, chunkCount: chunks ?? 16,
                                                          contextLength: context))
            pass.searchType = try awqSearchType.map { try TensorTypeOverride.writableType(named: $0, option: "--awq-search-type") }
            passes.append(pass)
        }
        var origin: ImportanceMatrixPass.Origin?
        if let imatrix {
            origin = .file(path: imatrix)
        } else if calibration != nil {
            origin = .calibration(CalibrationRequest(corpusPath: corpus, chunkCount: chunks ?? 100, contextLength: context))
        }
        if let origin {
            var pass = ImportanceMatrixPass(origin: origin)
            pass.selection = selection
            pass.savePath = imatrixOut.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            passes.append(pass)
        }
        return passes
    }
}
