/// Errors raised by compression passes.
public enum PassError: Error, CustomStringConvertible, Equatable {
    case calibration(String)

    public var description: String {
        switch self {
        case let .calibration(message): "calibration: \(message)"
        }
    }
}
