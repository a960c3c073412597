/// A strict JSON (RFC 8259) parser for untrusted bytes.
///
/// Nesting is tracked on an explicit stack capped at ``Options/maxDepth`` instead of
/// by recursion, so a file of a million `[` cannot exhaust the call stack, and the cap
/// keeps the resulting tree shallow enough to release and compare safely. Every
/// rejection carries the byte offset of the problem. Objects keep source order and
/// repeated keys (see ``JSONObject``); numbers keep their text (see ``JSONNumber``).
///
/// The input should already be valid UTF-8 (check it with ``firstInvalidUTF8Offset(_:)``
/// to report an offset): strings are cut only at ASCII delimiters, so valid input gives
/// exact strings, and invalid input still cannot crash the parser.
public struct JSONParser {
    /// What the parser accepts beyond the standard grammar.
    public struct Options: Sendable {
        /// How many arrays and objects may be open at once.
        public var maxDepth: Int
        /// Accept `NaN`, `Infinity` and `-Infinity`, which Python's `json` module writes
        /// and reads, as numbers.
        public var allowsNonFiniteNumbers: Bool

        public init(maxDepth: Int = 256, allowsNonFiniteNumbers: Bool = false) {
            self.maxDepth = maxDepth
            self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
        }
    }

    /// Parses one JSON document, optionally surrounded by whitespace, that fills `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer,
                             options: Options = Options()) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, options: options)
        return try parser.parseDocument()
    }

    let bytes: UnsafeRawBufferPointer
    let options: Options
    var position = 0

    private init(bytes: UnsafeRawBufferPointer, options: Options) {
        self.bytes = bytes
        self.options = options
    }

    /// An array or object whose closing bracket has not been seen yet.
    private struct OpenContainer {
        let isObject: Bool
        var items: [JSONValue] = []
        var members: [JSONMember] = []
        /// The key whose value is being parsed (objects only).
        var pendingKey = ""
        var pendingKeyOffset = 0
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        var stack: [OpenContainer] = []
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw failure("unexpected end of text, expected a value") }
            var value: JSONValue
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                guard stack.count < options.maxDepth else {
                    throw failure("nesting deeper than \(options.maxDepth) levels")
                }
                position += 1
                let isObject = byte == UInt8(ascii: "{")
                skipWhitespace()
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    value = isObject ? .object(JSONObject()) : .array([])
                } else {
                    var container = OpenContainer(isObject: isObject)
                    if isObject { (container.pendingKey, container.pendingKeyOffset) = try parseMemberKey() }
                    stack.append(container)
                    continue
                }
            } else {
                value = try parseScalar()
            }

            // Hand the finished value to its container; each closing bracket that follows
            // finishes that container in turn.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    guard position == bytes.count else { throw failure("unexpected text after the end of the document") }
                    return value
                }
                let top = stack.count - 1
                let isObject = stack[top].isObject
                if isObject {
                    stack[top].members.append(JSONMember(key: stack[top].pendingKey,
                                                         keyOffset: stack[top].pendingKeyOffset, value: value))
                } else {
                    stack[top].items.append(value)
                }
                skipWhitespace()
                let next = peek()
                if next == UInt8(ascii: ",") {
                    position += 1
                    if isObject {
                        skipWhitespace()
                        (stack[top].pendingKey, stack[top].pendingKeyOffset) = try parseMemberKey()
                    }
                    break
                }
                guard next == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw failure(isObject ? "expected ',' or '}' after an object member"
                                           : "expected ',' or ']' after an array item")
                }
                position += 1
                let finished = stack.removeLast()
                value = isObject ? .object(JSONObject(members: finished.members)) : .array(finished.items)
            }
        }
    }

    /// Parses `"key" :` and leaves the cursor before the value.
    private mutating func parseMemberKey() throws(JSONSyntaxError) -> (String, Int) {
        let keyOffset = position
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes") }
        let key = try parseString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
        position += 1
        return (key, keyOffset)
    }

    // MARK: Cursor

    func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func failure(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? position, reason: reason)
    }

    /// Quotes a byte for an error message: printable ASCII as itself, the rest in hex.
    func describe(_ byte: UInt8) -> String {
        (0x21 ... 0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }
}
