import Calibration
import Foundation
import Tokenizers

extension CalibrationRequest {
    /// The token chunks to calibrate on and the dataset names to record.
    ///
    /// A single plain-text file is cut exactly as llama-imatrix cuts its `-f` text (so the same
    /// model and text give the same matrix); a folder, a `.jsonl` file or the built-in corpus is
    /// spread over every file (``CalibrationChunks/spread(documents:tokenize:chunkLength:chunkCount:bos:)``),
    /// so each language and domain is represented.
    func drawChunks(tokenizer: any TextTokenizer, log: (String) -> Void) throws -> (chunks: [[Int32]], datasets: [String]) {
        let tokenize = { (text: String) throws -> [Int32] in
            try tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        }
        let bos = tokenizer.addsBOS ? tokenizer.bosTokenID : nil
        if let path = corpusPath, Self.isPlainTextFile(path) {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw CalibrationError.cannotRead(path: path, reason: "not readable as UTF-8 text")
            }
            let chunks = try CalibrationChunks.llamaImatrix(text: text, source: path, tokenize: tokenize,
                                                            contextLength: contextLength,
                                                            chunkLimit: chunkCount == .max ? nil : chunkCount, bos: bos)
            log("calibration: \(chunks.count) chunks of \(contextLength) tokens from \(path)")
            if chunkCount != .max { warnIfShort(chunks.count, asked: chunkCount, source: path, log: log) }
            return (chunks.map(\.tokens), [path])
        }
        let corpus: CalibrationCorpus
        if let path = corpusPath {
            corpus = try CalibrationCorpus.load(path: path)
        } else {
            corpus = try CalibrationCorpus.default
            log("calibration: no --calibration given, using the built-in corpus (English prose, source code, "
                + "mathematics, Chinese; \(corpus.documents.count) files)")
        }
        let count = chunkCount == .max ? Self.defaultChunkCount : chunkCount
        let chunks = try CalibrationChunks.spread(documents: corpus.documents, tokenize: tokenize,
                                                  chunkLength: contextLength, chunkCount: count, bos: bos)
        let sources = Set(chunks.map(\.source)).count
        log("calibration: \(chunks.count) chunks of up to \(contextLength) tokens from \(sources) files of "
            + corpus.origin)
        warnIfShort(chunks.count, asked: count, source: corpus.origin, log: log)
        return (chunks.map(\.tokens), [corpus.origin])
    }

    /// A corpus too short for the chunks asked for is used as it is, with a warning: fewer
    /// chunks still calibrate, only with more noise.
    private func warnIfShort(_ drawn: Int, asked: Int, source: String, log: (String) -> Void) {
        guard drawn < asked else { return }
        log("warning: calibration: \(asked) chunks asked for, but \(source) gives only \(drawn); using \(drawn)")
    }

    /// Chunks drawn from a corpus when no count is given (about 50,000 tokens at 512 per chunk).
    static let defaultChunkCount = 100

    static func isPlainTextFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return false
        }
        return !path.lowercased().hasSuffix(".jsonl")
    }
}
