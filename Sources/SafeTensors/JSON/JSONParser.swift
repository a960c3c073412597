/// Why a JSON text was rejected; `offset` is relative to the parsed buffer.
struct JSONParseFailure: Error, Equatable {
    let offset: Int
    let reason: String
}

/// A strict RFC 8259 parser over untrusted bytes.
///
/// Nesting is tracked with an explicit stack instead of recursion, so a header of a
/// million `[` cannot exhaust the call stack. The depth cap matters as well: releasing
/// a parsed tree recurses through its levels, so the tree itself must stay shallow.
/// The input is expected to be valid UTF-8 already; anything else still cannot crash it.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private let maxDepth: Int

    /// An open container waiting for more members or items.
    private struct Frame {
        let isObject: Bool
        var members: [JSONMember] = []
        var items: [JSONValue] = []
        /// The key whose value is being parsed (objects only).
        var pendingKey = ""
        var pendingKeyOffset = 0
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseFailure) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    private init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private mutating func parseDocument() throws(JSONParseFailure) -> JSONValue {
        var stack: [Frame] = []
        var result: JSONValue
        document: while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of text, expected a value") }
            var value: JSONValue
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    position += 1
                    value = .object([])
                } else {
                    guard stack.count < maxDepth else { throw failure("nesting deeper than \(maxDepth) levels") }
                    var frame = Frame(isObject: true)
                    (frame.pendingKey, frame.pendingKeyOffset) = try parseKeyAndColon()
                    stack.append(frame)
                    continue document
                }
            case UInt8(ascii: "["):
                position += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    position += 1
                    value = .array([])
                } else {
                    guard stack.count < maxDepth else { throw failure("nesting deeper than \(maxDepth) levels") }
                    stack.append(Frame(isObject: false))
                    continue document
                }
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
                value = .number(try parseNumber())
            default:
                throw failure("unexpected character \(describeByte(bytes[position])), expected a value")
            }

            // Hand the finished value to its container; a closing bracket finishes that
            // container in turn, so this loop unwinds as many levels as end here.
            while !stack.isEmpty {
                skipWhitespace()
                let top = stack.count - 1
                if stack[top].isObject {
                    let member = JSONMember(key: stack[top].pendingKey, keyOffset: stack[top].pendingKeyOffset,
                                            value: value)
                    stack[top].members.append(member)
                    switch peek() {
                    case UInt8(ascii: ","):
                        position += 1
                        skipWhitespace()
                        (stack[top].pendingKey, stack[top].pendingKeyOffset) = try parseKeyAndColon()
                        continue document
                    case UInt8(ascii: "}"):
                        position += 1
                        value = .object(stack.removeLast().members)
                    default:
                        throw failure("expected ',' or '}' after an object member")
                    }
                } else {
                    stack[top].items.append(value)
                    switch peek() {
                    case UInt8(ascii: ","):
                        position += 1
                        continue document
                    case UInt8(ascii: "]"):
                        position += 1
                        value = .array(stack.removeLast().items)
                    default:
                        throw failure("expected ',' or ']' after an array item")
                    }
                }
            }
            result = value
            break document
        }
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the end of the document") }
        return result
    }

    // MARK: Tokens

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func failure(_ reason: String, at offset: Int? = nil) -> JSONParseFailure {
        JSONParseFailure(offset: offset ?? position, reason: reason)
    }

    private func describeByte(_ byte: UInt8) -> String {
        (0x21 ... 0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseFailure) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw failure("unexpected end of text in a literal") }
        for i in 0 ..< count where bytes[position + i] != literal.utf8Start[i] {
            throw failure("invalid literal, expected \(literal)")
        }
        position += count
    }

    private mutating func parseKeyAndColon() throws(JSONParseFailure) -> (String, Int) {
        let keyOffset = position
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a string key") }
        let key = try parseString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
        position += 1
        return (key, keyOffset)
    }

    private mutating func parseNumber() throws(JSONParseFailure) -> JSONNumber {
        let start = position
        var isInteger = true
        if peek() == UInt8(ascii: "-") { position += 1 }
        switch peek() ?? 0 {
        case UInt8(ascii: "0"):
            position += 1
        case UInt8(ascii: "1") ... UInt8(ascii: "9"):
            skipDigits()
        default:
            throw failure("expected a digit")
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigit(peek()) else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard isDigit(peek()) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< position]), as: UTF8.self)
        return JSONNumber(text: text, isIntegerLiteral: isInteger)
    }

    private func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while isDigit(peek()) { position += 1 }
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONParseFailure) -> String {
        position += 1 // opening quote
        let start = position
        // Fast path: most keys and values have no escapes and can be decoded in one go.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw failure("unescaped control character in a string") }
            position += 1
        }
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start ..< position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &decoded)
            case 0 ..< 0x20:
                throw failure("unescaped control character in a string")
            default:
                decoded.append(byte)
                position += 1
            }
        }
        throw failure("unterminated string")
    }

    /// Escape problems are reported at the backslash, where a reader would look.
    private mutating func parseEscape(into decoded: inout [UInt8]) throws(JSONParseFailure) {
        let escapeStart = position
        position += 1 // backslash
        guard let kind = peek() else { throw failure("unterminated escape", at: escapeStart) }
        position += 1
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(kind)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalarValue = UInt32(try parseHex4(escapeStart: escapeStart))
            if (0xD800 ... 0xDBFF).contains(scalarValue) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u") else {
                    throw failure("high surrogate escape without a following low surrogate", at: escapeStart)
                }
                position += 2
                let low = UInt32(try parseHex4(escapeStart: escapeStart))
                guard (0xDC00 ... 0xDFFF).contains(low) else {
                    throw failure("high surrogate escape followed by a non-low surrogate", at: escapeStart)
                }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw failure("lone low surrogate escape", at: escapeStart)
            }
            decoded.append(contentsOf: scalar.utf8)
        default:
            throw failure("invalid escape character \(describeByte(kind))", at: escapeStart)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONParseFailure) -> UInt16 {
        guard bytes.count - position >= 4 else { throw failure("truncated \\u escape", at: escapeStart) }
        var value: UInt16 = 0
        for _ in 0 ..< 4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape", at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }
}
