import ArgumentParser
import Conversion
import Foundation
import Passes

/// Importance-matrix options shared by `convert` and `quantize`: use a file, or compute one from
/// calibration text on the fly.
struct ImportanceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Importance matrix (llama-imatrix GGUF or legacy .dat) for the quantizer.",
                                            valueName: "file"))
    var imatrix: String?

    @Option(name: .long, help: ArgumentHelp("""
        Compute an importance matrix from this calibration text (a .txt or .jsonl file, or a folder of them) \
        and quantize with it. Without a value, use --calibration default for the built-in corpus.
        """, valueName: "path"))
    var calibration: String?

    @Option(name: .long, help: "Calibration chunks to run (default 100).")
    var chunks: Int = 100

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
        guard chunks >= 1 else { throw ValidationError("--chunks must be positive") }
        guard context >= 16, context <= 1 << 20 else { throw ValidationError("-c must be in 16...1048576") }
    }

    /// The passes these options ask for.
    func passes(selection: ImportanceSelection) -> [any ModelPass] {
        var origin: ImportanceMatrixPass.Origin?
        if let imatrix {
            origin = .file(path: imatrix)
        } else if let calibration {
            let path = calibration == "default" ? nil : calibration
            origin = .calibration(CalibrationRequest(corpusPath: path, chunkCount: chunks, contextLength: context))
        }
        guard let origin else { return [] }
        var pass = ImportanceMatrixPass(origin: origin)
        pass.selection = selection
        pass.savePath = imatrixOut.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        return [pass]
    }
}
