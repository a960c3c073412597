/// Errors raised while scoring models.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    case textTooShort(path: String, tokens: Int, needed: Int)
    case vocabularyMismatch(base: Int, candidate: Int, candidatePath: String)
    case tokenizationMismatch(candidatePath: String)
    case invalidCache(path: String, reason: String)
    case compression(reason: String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .textTooShort(path, tokens, needed):
            return "\(path): tokenizes to \(tokens) tokens; at least \(needed) are needed (2 x context)"
        case let .vocabularyMismatch(base, candidate, path):
            return "\(path): vocabulary of \(candidate) tokens differs from the original's \(base)"
        case let .tokenizationMismatch(path):
            return "\(path): tokenizes the text differently from the original, so log-probabilities cannot be compared"
        case let .invalidCache(path, reason):
            return "\(path): not a usable base cache: \(reason)"
        case let .compression(reason):
            return "zstd: \(reason)"
        case let .invalidOption(message):
            return message
        }
    }
}
