/// Errors in a batch manifest or while running one.
public enum BatchError: Error, CustomStringConvertible, Equatable {
    /// The manifest is not valid YAML or not the expected shape; `line` is 1-based when known.
    case invalidManifest(path: String, line: Int?, reason: String)
    case invalidShard(String)
    case cannotRun(command: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidManifest(path, line, reason):
            return "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
        case let .invalidShard(reason):
            return "shard: \(reason)"
        case let .cannotRun(command, reason):
            return "cannot run \(command): \(reason)"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
