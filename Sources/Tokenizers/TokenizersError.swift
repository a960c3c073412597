/// Errors raised while reading a model folder's tokenizer files.
///
/// Every case names the file it came from and, where one exists, the byte offset
/// (for syntax and protobuf problems) or the JSON path (for well-formed files whose
/// content does not fit), so a user can find the problem without a debugger.
public enum TokenizersError: Error, CustomStringConvertible, Equatable {
    /// Neither `tokenizer.model` nor `tokenizer.json` (nor `vocab.json`) is in the folder.
    case missingTokenizerFiles(directory: String)
    /// The file exists but could not be opened or mapped.
    case cannotRead(path: String, reason: String)
    /// The file is not valid UTF-8; `offset` is the first bad byte.
    case invalidUTF8(path: String, offset: Int)
    /// The file is not valid JSON.
    case invalidJSON(path: String, offset: Int, reason: String)
    /// The JSON is well formed but a value has the wrong shape.
    case unexpectedJSON(path: String, jsonPath: String, expected: String, found: String)
    /// The SentencePiece model is not a valid protobuf message.
    case invalidProtobuf(path: String, offset: Int, reason: String)
    /// The protobuf parses but SentencePiece would refuse to load it.
    case invalidSentencePiece(path: String, reason: String)
    /// A token id is negative or past the end of the vocabulary.
    case tokenIdOutOfRange(path: String, jsonPath: String, id: Int, vocabSize: Int)
    /// The vocabulary is empty, has holes the converter cannot fill, or is too large.
    case invalidVocabulary(path: String, reason: String)
    /// A tokenizer kind the converter's Llama/Qwen paths do not handle.
    case unsupportedTokenizer(path: String, reason: String)
    /// A `tokenizer.*` metadata key an encoder needs is absent.
    case missingMetadata(key: String)
    /// A `tokenizer.*` metadata value has the wrong type, length or content; `index` is the
    /// array element at fault, when there is one.
    case invalidMetadata(key: String, index: Int?, reason: String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this encoder does not implement.
    case unsupportedPreTokenizer(name: String, supported: [String])
    /// Encoding needs a special token (e.g. BOS when `add_bos_token` is set) the vocabulary lacks.
    case missingSpecialToken(role: String, key: String)
    /// A byte of the text has no token: no `<0xXX>` byte piece and no unknown token to stand
    /// in. `fragmentOffset` is where the text fragment holding it starts (after special tokens
    /// are split out).
    case unencodableByte(byte: UInt8, fragmentOffset: Int)
    /// The text is longer than the encoders' 32-bit positions (and llama.cpp's) allow.
    case textTooLong(bytes: Int, limit: Int)

    /// A one-line message naming the file and the position of the problem.
    public var description: String {
        switch self {
        case let .missingTokenizerFiles(directory):
            return "\(directory): no tokenizer.model, tokenizer.json or vocab.json found"
        case let .cannotRead(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .invalidUTF8(path, offset):
            return "\(path): invalid UTF-8 at byte offset \(offset)"
        case let .invalidJSON(path, offset, reason):
            return "\(path): invalid JSON at byte offset \(offset): \(reason)"
        case let .unexpectedJSON(path, jsonPath, expected, found):
            return "\(path): \(jsonPath): expected \(expected), found \(found)"
        case let .invalidProtobuf(path, offset, reason):
            return "\(path): invalid SentencePiece protobuf at byte offset \(offset): \(reason)"
        case let .invalidSentencePiece(path, reason):
            return "\(path): invalid SentencePiece model: \(reason)"
        case let .tokenIdOutOfRange(path, jsonPath, id, vocabSize):
            return "\(path): \(jsonPath): token id \(id) is outside the vocabulary (size \(vocabSize))"
        case let .invalidVocabulary(path, reason):
            return "\(path): invalid vocabulary: \(reason)"
        case let .unsupportedTokenizer(path, reason):
            return "\(path): unsupported tokenizer: \(reason)"
        case let .missingMetadata(key):
            return "tokenizer metadata: \(key) is missing"
        case let .invalidMetadata(key, index, reason):
            return "tokenizer metadata: \(key)\(index.map { "[\($0)]" } ?? ""): \(reason)"
        case let .unsupportedPreTokenizer(name, supported):
            return "tokenizer metadata: tokenizer.ggml.pre \"\(name)\" is not supported (supported: \(supported.joined(separator: ", ")))"
        case let .missingSpecialToken(role, key):
            return "tokenizer metadata: encoding needs a \(role) token but \(key) is missing or outside the vocabulary"
        case let .unencodableByte(byte, fragmentOffset):
            return "text fragment at byte offset \(fragmentOffset): byte 0x\(hex2(Int(byte))) has no byte token and the vocabulary has no unknown token"
        case let .textTooLong(bytes, limit):
            return "text of \(bytes) bytes is too long to tokenize in one call (limit \(limit) bytes)"
        }
    }
}
