/// Why a JSON text was rejected; `offset` is a byte offset into the parsed buffer.
struct JSONSyntaxError: Error, Equatable {
    let offset: Int
    let reason: String
}

/// A JSON parser over untrusted bytes that accepts what Python's `json.load` accepts
/// (including `NaN` and `Infinity`) and rejects the rest with a byte offset.
///
/// Containers are tracked on an explicit stack capped at `maxDepth`, so nesting depth
/// cannot exhaust the call stack (neither while parsing nor when the nested value is
/// later released). The input must already be valid UTF-8: strings are cut only at
/// ASCII delimiters, so every slice stays valid.
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private let maxDepth: Int

    /// An open container waiting for more items or members.
    private struct Frame {
        let isObject: Bool
        var items: [JSONValue] = []
        var object = JSONObject()
        var pendingKey = ""
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 256) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    private init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        var stack: [Frame] = []
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of text, expected a value") }
            var value: JSONValue
            let byte = bytes[position]
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                guard stack.count < maxDepth else { throw failure("nesting deeper than \(maxDepth) levels") }
                position += 1
                let isObject = byte == UInt8(ascii: "{")
                var frame = Frame(isObject: isObject)
                skipWhitespace()
                if peek() == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    value = isObject ? .object(JSONObject()) : .array([])
                } else {
                    if isObject { frame.pendingKey = try parseMemberKey() }
                    stack.append(frame)
                    continue
                }
            } else {
                value = try parseScalar()
            }

            // Hand the finished value to its container; close containers as long as
            // their closing bracket follows.
            while true {
                guard !stack.isEmpty else {
                    skipWhitespace()
                    guard position == bytes.count else { throw failure("extra data after the JSON value") }
                    return value
                }
                let top = stack.count - 1
                if stack[top].isObject {
                    stack[top].object.set(value, for: stack[top].pendingKey)
                } else {
                    stack[top].items.append(value)
                }
                skipWhitespace()
                guard let next = peek() else { throw failure("unexpected end of text inside a container") }
                position += 1
                if next == UInt8(ascii: ",") {
                    if stack[top].isObject {
                        skipWhitespace()
                        stack[top].pendingKey = try parseMemberKey()
                    }
                    break
                }
                let closer = stack[top].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                guard next == closer else {
                    position -= 1
                    throw failure(stack[top].isObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                let frame = stack.removeLast()
                value = frame.isObject ? .object(frame.object) : .array(frame.items)
            }
        }
    }

    /// Parses `"key" :` and leaves the cursor at the value.
    private mutating func parseMemberKey() throws(JSONSyntaxError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes") }
        let key = try parseString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
        position += 1
        return key
    }

    private mutating func parseScalar() throws(JSONSyntaxError) -> JSONValue {
        switch bytes[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N"): try expectLiteral("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try expectLiteral("Infinity"); return .double(.infinity)
        case UInt8(ascii: "-") where hasLiteral("-Infinity"):
            position += 9
            return .double(-.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw failure("unexpected character, expected a value")
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        var isInteger = true
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else { throw failure("expected a digit") }
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let digit = peek(), isDigit(digit) else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), isDigit(digit) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start ..< position]), as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text) else {
            position = start
            throw failure("number out of range")
        }
        return .double(value)
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1  // opening quote
        var runStart = position
        var scratch: [UInt8]? = nil  // only allocated once an escape shows up
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeRawBufferPointer(rebasing: bytes[runStart ..< position])
                position += 1
                guard var built = scratch else { return String(decoding: run, as: UTF8.self) }
                built.append(contentsOf: run)
                return String(decoding: built, as: UTF8.self)
            }
            if byte < 0x20 { throw failure("control character inside a string") }
            if byte == UInt8(ascii: "\\") {
                var built = scratch ?? []
                built.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart ..< position]))
                try appendEscape(to: &built)
                scratch = built
                runStart = position
                continue
            }
            position += 1
        }
        throw failure("unterminated string")
    }

    /// Decodes one backslash escape (cursor on the backslash) into UTF-8.
    private mutating func appendEscape(to out: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeStart = position
        position += 1
        guard let kind = peek() else { throw failure("unterminated escape") }
        position += 1
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(kind)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800 ... 0xDBFF).contains(scalar) {
                // A high surrogate must pair with a low one; Python would keep a lone
                // surrogate, but it can never be written to GGUF as UTF-8.
                guard hasLiteral("\\u") else {
                    position = escapeStart
                    throw failure("unpaired UTF-16 surrogate in \\u escape")
                }
                position += 2
                let low = try parseHex4()
                guard (0xDC00 ... 0xDFFF).contains(low) else {
                    position = escapeStart
                    throw failure("unpaired UTF-16 surrogate in \\u escape")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00 ... 0xDFFF).contains(scalar) {
                position = escapeStart
                throw failure("unpaired UTF-16 surrogate in \\u escape")
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                position = escapeStart
                throw failure("invalid \\u escape")
            }
            UTF8.encode(unicode) { out.append($0) }
        default:
            position = escapeStart
            throw failure("invalid escape sequence")
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        guard hasLiteral(literal) else { throw failure("invalid literal") }
        position += literal.utf8CodeUnitCount
    }

    private func hasLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let pointer = literal.utf8Start
        for i in 0 ..< count where bytes[position + i] != pointer[i] { return false }
        return true
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func failure(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, reason: reason)
    }
}
