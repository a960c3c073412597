/// Literals, numbers and strings: everything that is not a container.
extension JSONParser {
    /// Parses the scalar at the cursor (the caller has checked there is a byte).
    mutating func parseScalar() throws(JSONSyntaxError) -> JSONValue {
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N") where options.allowsNonFiniteNumbers:
            try expectLiteral("NaN")
            return .number(JSONNumber(text: "NaN", exact: .notInteger))
        case UInt8(ascii: "I") where options.allowsNonFiniteNumbers:
            try expectLiteral("Infinity")
            return .number(JSONNumber(text: "Infinity", exact: .notInteger))
        case UInt8(ascii: "-") where options.allowsNonFiniteNumbers && hasLiteral("-Infinity"):
            position += 9
            return .number(JSONNumber(text: "-Infinity", exact: .notInteger))
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw failure("unexpected character \(describe(byte)), expected a value")
        }
    }

    // MARK: Literals

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        guard hasLiteral(literal) else { throw failure("invalid literal, expected \(literal)") }
        position += literal.utf8CodeUnitCount
    }

    private func hasLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let expected = literal.utf8Start
        for i in 0 ..< count where bytes[position + i] != expected[i] { return false }
        return true
    }

    // MARK: Numbers

    /// Classifies the literal while scanning it, so integers are exact without a
    /// second pass or a trip through `Double`.
    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard let first = peek(), isDigit(first) else { throw failure("expected a digit") }
        // Accumulating on the negative side lets Int.min parse without overflowing.
        var magnitude = 0
        var overflow = false
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            while let byte = peek(), isDigit(byte) {
                let (shifted, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (next, o2) = shifted.subtractingReportingOverflow(Int(byte &- UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = next
                position += 1
            }
        }
        var isInteger = true
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
        let exact: JSONNumber.Exact
        if !isInteger {
            exact = .notInteger
        } else if overflow || (!negative && magnitude == .min) {
            exact = .outOfRange
        } else {
            exact = .integer(negative ? magnitude : -magnitude)
        }
        return JSONNumber(text: text, exact: exact)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    // MARK: Strings

    /// Parses the string whose opening quote is at the cursor.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1
        var runStart = position
        // Most strings have no escapes and become a String straight from the input;
        // the scratch buffer is only allocated once an escape shows up.
        var decoded: [UInt8]? = nil
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeRawBufferPointer(rebasing: bytes[runStart ..< position])
                position += 1
                guard var built = decoded else { return String(decoding: run, as: UTF8.self) }
                built.append(contentsOf: run)
                return String(decoding: built, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                var built = decoded ?? []
                decoded = nil
                built.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart ..< position]))
                try appendEscape(to: &built)
                decoded = built
                runStart = position
                continue
            }
            guard byte >= 0x20 else { throw failure("unescaped control character in a string") }
            position += 1
        }
        throw failure("unterminated string")
    }

    /// Decodes the escape at the cursor into UTF-8. Problems are reported at the
    /// backslash, where a reader would look.
    private mutating func appendEscape(to out: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeStart = position
        position += 1
        guard let kind = peek() else { throw failure("unterminated escape", at: escapeStart) }
        position += 1
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(kind)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(escapeStart: escapeStart)
            // A surrogate must come as a high-low pair. Python would keep a lone one, but
            // it has no UTF-8 form, so no Swift string (or GGUF file) could hold it.
            if (0xD800 ... 0xDBFF).contains(scalar) {
                guard hasLiteral("\\u") else {
                    throw failure("high surrogate escape without a following low surrogate", at: escapeStart)
                }
                position += 2
                let low = try parseHex4(escapeStart: escapeStart)
                guard (0xDC00 ... 0xDFFF).contains(low) else {
                    throw failure("high surrogate escape followed by a non-low surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                throw failure("lone low surrogate escape", at: escapeStart)
            }
            out.append(contentsOf: unicode.utf8)
        default:
            throw failure("invalid escape character \(describe(kind))", at: escapeStart)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("truncated \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape", at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
