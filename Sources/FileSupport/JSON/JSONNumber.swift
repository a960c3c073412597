/// A JSON number kept as written.
///
/// Going through `Double` would silently round integers above 2^53, such as tensor
/// byte offsets, and would make `1.0` indistinguishable from `1`; keeping the text
/// lets callers demand an exact integer and quote the literal in their errors.
public struct JSONNumber: Equatable, Sendable, CustomStringConvertible {
    /// What an integer reading of the literal gives.
    public enum Exact: Equatable, Sendable {
        case integer(Int)
        /// An integer literal that does not fit in `Int`.
        case outOfRange
        /// A literal with a fraction or an exponent (`1.5`, `1.0`, `1e3`), or a
        /// non-finite extension literal (`NaN`, `Infinity`).
        case notInteger
    }

    /// The literal exactly as it appeared in the text.
    public let text: String
    public let exact: Exact

    /// Built by the parser, which has already classified the literal.
    init(text: String, exact: Exact) {
        self.text = text
        self.exact = exact
    }

    /// An integer value, for building JSON in code.
    public init(_ value: Int) {
        self.init(text: String(value), exact: .integer(value))
    }

    /// True when the literal has neither a fraction nor an exponent, whatever its size.
    public var isIntegerLiteral: Bool {
        exact != .notInteger
    }

    /// The value when the literal is an integer that fits in `Int`.
    public var integerValue: Int? {
        if case let .integer(value) = exact { return value }
        return nil
    }

    /// The nearest `Double`; huge literals become infinities, as in Python and JavaScript.
    public var doubleValue: Double {
        if case let .integer(value) = exact { return Double(value) }
        // Every literal the parser accepts, `NaN` and `Infinity` included, is one that
        // `Double.init?(_:)` reads; the fallback only guards against future grammar.
        return Double(text) ?? .nan
    }

    public var description: String { text }

    /// Numeric equality: integers compare exactly, anything else as `Double`s, so `1`
    /// equals `1.0` as it does in Python.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case let .integer(left) = lhs.exact, case let .integer(right) = rhs.exact { return left == right }
        return lhs.doubleValue == rhs.doubleValue
    }
}
