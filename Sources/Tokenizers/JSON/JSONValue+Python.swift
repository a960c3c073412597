import FileSupport

/// The converter is a Python program; where its behaviour hangs on how Python sees a
/// JSON value, these answer the same way.
extension JSONValue {
    /// The value as Python's `isinstance(x, int)` sees it, where `True` is 1. Integers
    /// beyond `Int` are `nil`: no token id or size can be that large.
    var pythonInt: Int? {
        switch self {
        case let .number(number): return number.integerValue
        case let .bool(bool): return bool ? 1 : 0
        default: return nil
        }
    }

    /// Python truthiness, which the converter relies on in `if not x` tests.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case let .bool(bool): return bool
        case let .number(number): return number.doubleValue != 0
        case let .string(string): return !string.isEmpty
        case let .array(array): return !array.isEmpty
        case let .object(object): return !object.isEmpty
        }
    }
}
