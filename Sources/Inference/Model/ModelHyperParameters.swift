import Models

/// The numbers that shape the decoder, read and validated by the Models module (the same
/// reader `convert` and `export` use).
public typealias ModelHyperParameters = Models.ModelHyperParameters

/// Which pairs of a head's dimensions RoPE rotates together.
public typealias RopeStyle = Models.RopeStyle

extension InferenceError {
    /// The inference error for a configuration or metadata problem the Models module found.
    init(_ error: ModelsError) {
        switch error {
        case let .missingMetadata(source, key):
            self = .missingMetadata(key: key, source: source)
        case let .invalidMetadata(source, key, reason), let .invalidConfig(source, key, reason):
            self = .invalidHyperParameter(key: key, reason: reason, source: source)
        case let .unsupportedArchitecture(path, found, _):
            self = .unsupportedArchitecture(name: found.first ?? "", source: path)
        case let .missingFile(path), let .invalidJSON(path, _):
            self = .cannotOpen(path: path, reason: error.description)
        case .unexpectedTensor, .missingTensor, .tensorShapeMismatch:
            self = .invalidArgument(error.description)
        }
    }
}
