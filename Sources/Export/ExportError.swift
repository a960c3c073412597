import Models

/// Everything that can stop an export, each case naming the file and the item at fault.
public enum ExportError: Error, CustomStringConvertible {
    /// The GGUF file could not be opened or failed validation.
    case cannotRead(path: String, reason: String)
    /// `general.architecture` is missing or names an architecture export does not handle.
    case unsupportedArchitecture(path: String, architecture: String?, supported: [String])
    /// A required `<arch>.*` or `tokenizer.*` key is missing.
    case missingMetadata(path: String, key: String)
    /// A metadata value has the wrong type or an impossible value.
    case invalidMetadata(path: String, key: String, reason: String)
    /// The GGUF holds a tensor export has no Hugging Face name for.
    case unknownTensor(path: String, tensor: String, architecture: String)
    /// A tensor the model needs is not in the GGUF.
    case missingTensor(path: String, tensor: String)
    /// A tensor's shape does not fit the hyper-parameters (e.g. rows not divisible by heads).
    case invalidTensorShape(path: String, tensor: String, dimensions: [Int], reason: String)
    /// The tensor's ggml type has no dequantizer.
    case unsupportedTensorType(path: String, tensor: String, type: String)
    /// The tensor's bytes are not where, or not as many as, its info says.
    case tensorDataUnavailable(path: String, tensor: String, offset: Int, expected: Int, found: Int)
    /// The tokenizer metadata cannot be turned into Hugging Face tokenizer files.
    case unsupportedTokenizer(path: String, reason: String)
    /// The target exists and is not an empty folder, and overwriting was not asked for.
    case targetNotEmpty(path: String)
    /// The target path exists but is not a folder.
    case targetNotADirectory(path: String)
    /// Creating, writing, renaming or removing an output failed.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            return "\(path): cannot read GGUF: \(reason)"
        case let .unsupportedArchitecture(path, architecture, supported):
            let found = architecture.map { "'\($0)'" } ?? "none given"
            return "\(path): architecture \(found) cannot be exported; supported: \(supported.joined(separator: ", "))"
        case let .missingMetadata(path, key):
            return "\(path): metadata '\(key)' is missing"
        case let .invalidMetadata(path, key, reason):
            return "\(path): metadata '\(key)': \(reason)"
        case let .unknownTensor(path, tensor, architecture):
            return "\(path): tensor '\(tensor)' has no Hugging Face name in the \(architecture) table"
        case let .missingTensor(path, tensor):
            return "\(path): tensor '\(tensor)' is missing"
        case let .invalidTensorShape(path, tensor, dimensions, reason):
            return "\(path): tensor '\(tensor)' with GGUF dimensions \(dimensions): \(reason)"
        case let .unsupportedTensorType(path, tensor, type):
            return "\(path): tensor '\(tensor)' has type \(type), which cannot be dequantized"
        case let .tensorDataUnavailable(path, tensor, offset, expected, found):
            return "\(path): tensor '\(tensor)' data at offset \(offset): expected \(expected) bytes, found \(found)"
        case let .unsupportedTokenizer(path, reason):
            return "\(path): cannot write tokenizer files: \(reason)"
        case let .targetNotEmpty(path):
            return "\(path): folder exists and is not empty (choose another folder or allow overwriting)"
        case let .targetNotADirectory(path):
            return "\(path): exists and is not a folder"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}

extension ExportError {
    /// The export error for a problem the shared Models reader found in `path`'s metadata.
    init(_ error: ModelsError, path: String) {
        switch error {
        case let .missingMetadata(_, key):
            self = .missingMetadata(path: path, key: key)
        case let .invalidMetadata(_, key, reason):
            self = .invalidMetadata(path: path, key: key, reason: reason)
        case let .unsupportedArchitecture(_, found, supported):
            self = .unsupportedArchitecture(path: path, architecture: found.first, supported: supported)
        default:
            self = .cannotRead(path: path, reason: error.description)
        }
    }

    /// Runs `body`, reporting the Models reader's errors about `path` as export errors.
    static func reportingMetadataErrors<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ModelsError {
            throw ExportError(error, path: path)
        }
    }
}
