/// Why calibration text could not be loaded or cut into chunks.
public enum CalibrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path does not exist or cannot be read.
    case cannotRead(path: String, reason: String)
    /// The file is not UTF-8; `line` (1-based) and `byteOffset` locate the first bad byte.
    case invalidUTF8(path: String, line: Int, byteOffset: Int)
    /// A line of a `.jsonl` file is not valid JSON.
    case invalidJSON(path: String, line: Int, reason: String)
    /// A line of a `.jsonl` file is JSON but not an object with a string `text`.
    case invalidRecord(path: String, line: Int, reason: String)
    /// A record of a `.jsonl` file has no `text` field.
    case missingTextField(path: String, line: Int)
    /// The path, or every file in the folder, holds no text.
    case emptyCorpus(path: String)
    /// The tokenizer gave no tokens for any of the documents (named, comma-separated).
    case noTokens(documents: String)
    /// A chunking parameter is out of range.
    case invalidOption(String)
    /// Too few tokens for llama-imatrix's rule (at least two chunks' worth).
    case textTooShort(source: String, tokens: Int, needed: Int)
    /// The corpus compiled into the binary does not read back (a build problem, not input).
    case builtInCorpusDamaged(reason: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .invalidUTF8(path, line, byteOffset):
            return "\(path):\(line): not valid UTF-8 (byte offset \(byteOffset))"
        case let .invalidJSON(path, line, reason):
            return "\(path):\(line): invalid JSON: \(reason)"
        case let .invalidRecord(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .missingTextField(path, line):
            return "\(path):\(line): the record has no \"text\" field"
        case let .emptyCorpus(path):
            return "\(path): no calibration text (no .txt or .jsonl file with text)"
        case let .noTokens(documents):
            return "no tokens in the calibration documents (\(documents))"
        case let .invalidOption(message):
            return message
        case let .textTooShort(source, tokens, needed):
            return "\(source): \(tokens) tokens, at least \(needed) needed"
        case let .builtInCorpusDamaged(reason):
            return "the built-in calibration corpus is damaged: \(reason)"
        }
    }
}
