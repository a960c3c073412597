/// A parsed JSON value with the semantics of Python's `json` module where the
/// converter's behaviour depends on them.
///
/// Integers and fractions stay distinct (the converter checks `isinstance(x, int)`),
/// and objects keep member order with Python's rule for repeated keys: the key keeps
/// its first position and takes the last value.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    /// Fractions, exponents, and integers too large for `Int` (tokenizer configs
    /// routinely hold `model_max_length: 1000000000000000019884624838656`).
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    var objectValue: JSONObject? {
        if case let .object(o) = self { return o }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    /// The value as Python's `isinstance(x, int)` sees it, where `True` is 1.
    var pythonInt: Int? {
        switch self {
        case let .integer(i): return i
        case let .bool(b): return b ? 1 : 0
        default: return nil
        }
    }

    /// Python truthiness, which the converter relies on in `if not x` tests.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case let .bool(b): return b
        case let .integer(i): return i != 0
        case let .double(d): return d != 0
        case let .string(s): return !s.isEmpty
        case let .array(a): return !a.isEmpty
        case let .object(o): return o.count > 0
        }
    }

    /// A short description for error messages.
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object whose members keep their order of first appearance.
///
/// Keys are matched by code points, as Python does, so two spellings of the same
/// accented text stay two members.
struct JSONObject: Equatable, Sendable {
    private(set) var keys: [String] = []
    private(set) var values: [JSONValue] = []
    private var index: [ExactString: Int] = [:]

    init() {}

    init(_ members: [(String, JSONValue)]) {
        for (key, value) in members { set(value, for: key) }
    }

    var count: Int { keys.count }

    subscript(key: String) -> JSONValue? {
        index[ExactString(key)].map { values[$0] }
    }

    /// Adds a member, or replaces the value of a repeated key in place.
    mutating func set(_ value: JSONValue, for key: String) {
        let exact = ExactString(key)
        if let position = index[exact] {
            values[position] = value
        } else {
            index[exact] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    var members: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }

    /// Like Python's dict equality: same keys and values, in any order.
    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.members where rhs[key] != value { return false }
        return true
    }
}
