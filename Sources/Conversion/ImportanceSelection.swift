/// Which tensors use their importance-matrix entry: llama-quantize's `--include-weights` and
/// `--exclude-weights`, which match tensor names by substring (not as regular expressions) and
/// cannot be combined.
public enum ImportanceSelection: Sendable, Equatable {
    /// Every tensor the matrix has an entry for.
    case all
    /// Only tensors whose name contains one of these strings.
    case only([String])
    /// Every tensor except those whose name contains one of these strings.
    case except([String])

    /// The selection for the two repeatable options; throws when both are given.
    public init(include: [String], exclude: [String]) throws {
        switch (include.isEmpty, exclude.isEmpty) {
        case (true, true): self = .all
        case (false, true): self = .only(include)
        case (true, false): self = .except(exclude)
        case (false, false):
            throw ConversionError.invalidOption("--include-weights and --exclude-weights cannot be used together")
        }
    }

    /// Whether the tensor called `name` takes its importance-matrix entry.
    public func uses(_ name: String) -> Bool {
        switch self {
        case .all: true
        case let .only(fragments): fragments.contains { name.contains($0) }
        case let .except(fragments): !fragments.contains { name.contains($0) }
        }
    }
}
