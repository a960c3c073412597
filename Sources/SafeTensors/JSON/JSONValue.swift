/// A parsed JSON value that keeps what generic decoders throw away: member order,
/// repeated keys, the source offset of each key and the exact text of numbers.
///
/// Safetensors validation needs all of these: a repeated tensor name must be an error
/// rather than silently winning, and a byte offset such as `9007199254740993` must not
/// pass through a `Double`.
enum JSONValue {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    /// A short name for error messages ("a string", "an array", ...).
    var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case let .number(number): return "the number \(number.text)"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

/// One `"key": value` pair; `keyOffset` is the offset of the key's opening quote.
struct JSONMember {
    let key: String
    let keyOffset: Int
    let value: JSONValue
}

/// A number kept as written, so integers can be read exactly and fractions rejected.
struct JSONNumber {
    let text: String
    /// True when the literal has neither a fraction nor an exponent.
    let isIntegerLiteral: Bool

    enum Exact: Equatable {
        case integer(Int)
        /// An integer literal that does not fit in `Int`.
        case outOfRange
        /// A literal with a fraction or exponent, such as `1.5`, `1.0` or `1e3`.
        case notInteger
    }

    var exact: Exact {
        guard isIntegerLiteral else { return .notInteger }
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        // Accumulating on the negative side lets Int.min parse without overflowing.
        var value = 0
        for byte in utf8 {
            let digit = Int(byte &- UInt8(ascii: "0"))
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = shifted.subtractingReportingOverflow(digit)
            if o1 || o2 { return .outOfRange }
            value = next
        }
        if negative { return .integer(value) }
        guard value != .min else { return .outOfRange }
        return .integer(-value)
    }
}
