import GGUF

/// Weights and hyper-parameters read from a GGUF file.
///
/// The GGUF reader already validated every tensor's extent against the file, so tensors are
/// handed out as views into its mapping.
public final class GGUFWeightSource: WeightSource, @unchecked Sendable {
    // @unchecked: immutable after init; GGUFFile is itself safe to share.
    public let file: GGUFFile
    public let hyperParameters: ModelHyperParameters
    public var location: String { file.path }

    public init(path: String) throws(InferenceError) {
        do {
            file = try GGUFFile(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        do {
            hyperParameters = try ModelHyperParameters(metadata: file.metadata, source: path)
        } catch {
            throw InferenceError(error)
        }
    }

    public func tensor(named name: String) throws(InferenceError) -> WeightTensor? {
        guard let info = file.tensor(named: name) else { return nil }
        return WeightTensor(name: name, type: info.type, dimensions: info.dimensions, bytes: file.data(for: info))
    }

    public func releasePages(of name: String) {
        if let info = file.tensor(named: name) { file.advise(info, willNeed: false) }
    }
}
