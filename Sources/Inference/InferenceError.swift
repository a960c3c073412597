import Models

/// Errors raised while loading a model for inference or running it.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// A tensor the architecture needs is not in the weights.
    case missingTensor(name: String, source: String)
    /// The file or folder names an architecture this engine does not run.
    case unsupportedArchitecture(name: String, source: String)
    /// A tensor is stored in an encoding that cannot be decoded to F32.
    case unsupportedTensorType(name: String, type: String, source: String)
    /// A tensor's shape (GGUF order, row length first) disagrees with the hyper-parameters.
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int], source: String)
    /// A required metadata key is absent.
    case missingMetadata(key: String, source: String)
    /// A metadata value or configuration field is out of range or of the wrong type.
    case invalidHyperParameter(key: String, reason: String, source: String)
    /// The model files could not be opened or parsed.
    case cannotOpen(path: String, reason: String)
    /// A token id is outside the vocabulary.
    case tokenOutOfRange(token: Int32, vocabularySize: Int, sequence: Int, position: Int)
    /// A session was asked to hold more tokens than it was created for.
    case contextFull(position: Int, adding: Int, capacity: Int)
    /// A size computed from the model or the request does not fit in memory or in `Int`.
    case tooLarge(what: String)
    /// The caller passed an argument that cannot be honoured.
    case invalidArgument(String)
    /// The GPU could not run what was asked of it (no device, out of device memory, no kernel for a type).
    case device(String)

    public var description: String {
        switch self {
        case let .missingTensor(name, source):
            return "\(source): tensor \(name) is missing"
        case let .unsupportedArchitecture(name, source):
            return "\(source): architecture '\(name)' is not supported for inference (\(ModelRegistry.ggufNames.joined(separator: ", ")) are)"
        case let .unsupportedTensorType(name, type, source):
            return "\(source): tensor \(name) has type \(type), which cannot be decoded"
        case let .tensorShapeMismatch(name, expected, found, source):
            return "\(source): tensor \(name) has shape \(found), expected \(expected)"
        case let .missingMetadata(key, source):
            return "\(source): metadata key \(key) is missing"
        case let .invalidHyperParameter(key, reason, source):
            return "\(source): \(key): \(reason)"
        case let .cannotOpen(path, reason):
            return "\(path): cannot open: \(reason)"
        case let .tokenOutOfRange(token, vocabularySize, sequence, position):
            return "token \(token) at position \(position) of sequence \(sequence) is outside the vocabulary (0..<\(vocabularySize))"
        case let .contextFull(position, adding, capacity):
            return "session holds \(position) tokens; adding \(adding) exceeds its capacity of \(capacity)"
        case let .tooLarge(what):
            return "\(what) is too large"
        case let .invalidArgument(reason):
            return reason
        case let .device(reason):
            return "GPU: \(reason)"
        }
    }
}
