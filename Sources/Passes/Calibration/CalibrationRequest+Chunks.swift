import Foundation
import Tokenizers

extension CalibrationRequest {
    /// The token chunks to calibrate on and the dataset names to record.
    func drawChunks(tokenizer: any TextTokenizer, log: (String) -> Void) throws -> (chunks: [[Int32]], datasets: [String]) {
        guard let path = corpusPath else {
            throw PassError.calibration("no calibration text given")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let tokens = try tokenizer.encode(text, addSpecial: true, parseSpecial: false)
        let n = contextLength
        guard tokens.count >= 2 * n else {
            throw PassError.calibration("\(path): \(tokens.count) tokens, at least \(2 * n) needed for chunks of \(n)")
        }
        let count = min(chunkCount, tokens.count / n)
        let bos = tokenizer.addsBOS ? tokenizer.bosTokenID : nil
        let chunks = (0 ..< count).map { index -> [Int32] in
            var chunk = Array(tokens[(index * n) ..< ((index + 1) * n)])
            if let bos { chunk[0] = bos }
            return chunk
        }
        return (chunks, [path])
    }
}
