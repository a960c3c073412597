/// Why a memory plan cannot be made for a file.
public enum MemoryPlanError: Error, CustomStringConvertible, Equatable {
    /// The file lacks what the plan is computed from (architecture hyper-parameters, the vocabulary).
    case unsupportedModel(path: String, reason: String)
    /// A size such as `--vram 8G` that cannot be read.
    case invalidSize(option: String, text: String)

    public var description: String {
        switch self {
        case let .unsupportedModel(path, reason): "\(path): cannot plan memory: \(reason)"
        case let .invalidSize(option, text): "\(option) '\(text)' is not a size such as 8G, 512M or 24GiB"
        }
    }
}
