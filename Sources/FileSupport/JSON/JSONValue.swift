/// A parsed JSON value that keeps what generic decoders throw away: the source order
/// of object members, repeated keys, the byte offset of every key and the exact text
/// of every number.
///
/// Values nest at most as deep as the parser's depth cap, which also bounds the
/// recursion of `==` and of releasing a tree.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, when the value is one.
    public var stringValue: String? {
        if case let .string(string) = self { return string }
        return nil
    }

    /// The boolean, when the value is one.
    public var boolValue: Bool? {
        if case let .bool(bool) = self { return bool }
        return nil
    }

    /// The number, when the value is one.
    public var numberValue: JSONNumber? {
        if case let .number(number) = self { return number }
        return nil
    }

    /// The items, when the value is an array.
    public var arrayValue: [JSONValue]? {
        if case let .array(array) = self { return array }
        return nil
    }

    /// The object, when the value is one.
    public var objectValue: JSONObject? {
        if case let .object(object) = self { return object }
        return nil
    }

    /// A short description for error messages: "a string", "the number 1.5", ...
    ///
    /// Numbers show their text because "expected an integer, found the number 1e3"
    /// says what is wrong where "found a number" would not.
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case let .number(number): return "the number \(number.text)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
