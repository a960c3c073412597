/// Errors raised while reading a model's configuration: a Hugging Face `config.json` or the
/// hyper-parameter metadata of a GGUF file.
public enum ModelsError: Error, CustomStringConvertible, Equatable {
    case missingFile(path: String)
    case invalidJSON(path: String, reason: String)
    /// `found` lists the `architectures` of a `config.json`, or the one `general.architecture` of a GGUF.
    case unsupportedArchitecture(path: String, found: [String], supported: [String])
    case invalidConfig(path: String, key: String, reason: String)
    /// A GGUF metadata key that must be present is not.
    case missingMetadata(source: String, key: String)
    /// A GGUF metadata value has the wrong type or an impossible value.
    case invalidMetadata(source: String, key: String, reason: String)
    case unexpectedTensor(name: String, architecture: String)
    case missingTensor(name: String)
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .missingFile(path):
            return "\(path): file not found"
        case let .invalidJSON(path, reason):
            return "\(path): invalid JSON: \(reason)"
        case let .unsupportedArchitecture(path, found, supported):
            let shown = found.isEmpty ? "none given" : found.joined(separator: ", ")
            return "\(path): unsupported architecture (\(shown)); supported: \(supported.joined(separator: ", "))"
        case let .invalidConfig(path, key, reason):
            return "\(path): \(key): \(reason)"
        case let .missingMetadata(source, key):
            return "\(source): metadata key \(key) is missing"
        case let .invalidMetadata(source, key, reason):
            return "\(source): \(key): \(reason)"
        case let .unexpectedTensor(name, architecture):
            return "tensor \(name): no GGUF name for it in the \(architecture) tensor table"
        case let .missingTensor(name):
            return "tensor \(name) is missing from the checkpoint"
        case let .tensorShapeMismatch(name, expected, found):
            return "tensor \(name): expected shape \(expected), found \(found)"
        }
    }
}
