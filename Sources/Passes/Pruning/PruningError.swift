/// Why attention-head pruning refused a request or a model.
public enum PruningError: Error, CustomStringConvertible, Equatable {
    /// `--prune-heads` is not a share (`10%`) or a whole count.
    case invalidAmount(text: String, reason: String)
    /// The amount, rounded to whole pruning units, removes nothing.
    case nothingToRemove(text: String, unitHeads: Int)
    /// More heads asked for than can go while every layer keeps one unit.
    case tooManyHeads(text: String, requested: Int, removable: Int, total: Int)
    /// The model's layout rules out the request (no removable unit, an architecture llama.cpp
    /// cannot run with per-layer counts).
    case unsupportedModel(source: String, reason: String)
    /// A tensor the pass rewrites is missing or has an unexpected shape.
    case unexpectedTensor(name: String, dimensions: [Int], expected: String)

    public var description: String {
        switch self {
        case let .invalidAmount(text, reason):
            "--prune-heads '\(text)': \(reason)"
        case let .nothingToRemove(text, unitHeads):
            "--prune-heads '\(text)' rounds to no pruning unit (a unit is \(unitHeads) query heads here); ask for more"
        case let .tooManyHeads(text, requested, removable, total):
            "--prune-heads '\(text)' asks for \(requested) of \(total) query heads, but at most \(removable) can go "
                + "(every layer keeps at least one unit)"
        case let .unsupportedModel(source, reason):
            "\(source): cannot prune attention heads: \(reason)"
        case let .unexpectedTensor(name, dimensions, expected):
            "tensor \(name) has shape \(dimensions), expected \(expected)"
        }
    }
}
