import Foundation

/// How many query heads `--prune-heads` asks to remove: a share of all of them (`10%`) or a count.
public enum PruneAmount: Equatable, Sendable {
    /// A fraction in (0, 1) of all query heads.
    case share(Double)
    /// A number of query heads.
    case count(Int)

    /// Parses `10%`, `12.5%` or `27`; refuses zero, negative, non-finite and `100%` or more.
    public init(parsing text: String) throws(PruningError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast()), percent.isFinite else {
                throw .invalidAmount(text: text, reason: "expected a percentage such as 10% or a head count such as 27")
            }
            guard percent > 0 else { throw .invalidAmount(text: text, reason: "the share must be above 0%") }
            guard percent < 100 else {
                throw .invalidAmount(text: text, reason: "the share must be below 100% (every layer keeps a head)")
            }
            self = .share(percent / 100)
            return
        }
        guard let count = Int(trimmed) else {
            throw .invalidAmount(text: text, reason: "expected a percentage such as 10% or a head count such as 27")
        }
        guard count > 0 else { throw .invalidAmount(text: text, reason: "the head count must be positive") }
        self = .count(count)
    }

    /// Query heads asked for out of `total`.
    func heads(of total: Int) -> Double {
        switch self {
        case let .share(fraction): fraction * Double(total)
        case let .count(count): Double(count)
        }
    }
}
