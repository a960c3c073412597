import FileSupport
import Testing

/// The JSON parser in FileSupport, shared by the safetensors and tokenizer readers.
@Suite("Shared JSON parser")
struct JSONParserTests {
    private func parse(_ text: String, options: JSONParser.Options = JSONParser.Options()) throws(JSONSyntaxError) -> JSONValue {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(buffer, options: options) }
        }
        return try result.get()
    }

    private func number(_ text: String) throws -> JSONNumber {
        try #require(try parse(text).numberValue)
    }

    @Test("parses nested values, keeps member order and tells integers from fractions")
    func nestedValues() throws {
        let value = try parse(#"{"b": [1, 2.5, -3e2, true, null, "x"], "a": {"k": "\u00e9\ud83d\ude80\n"}, "big": 100000000000000000000000}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a", "big"])
        let items = try #require(object["b"]?.arrayValue)
        #expect(items.map(\.kindDescription) == ["the number 1", "the number 2.5", "the number -3e2", "a boolean", "null", "a string"])
        #expect(items[0].numberValue?.integerValue == 1)
        #expect(items[1].numberValue?.integerValue == nil)
        #expect(items[2].numberValue?.doubleValue == -300)
        #expect(object["a"]?.objectValue?["k"] == .string("é🚀\n"))
        #expect(object["big"]?.numberValue?.exact == .outOfRange)
        #expect(object["big"]?.numberValue?.doubleValue == 1e23)
    }

    @Test("integer literals are exact across the whole 64-bit range", arguments: [
        ("0", JSONNumber.Exact.integer(0)), ("-0", .integer(0)), ("9007199254740993", .integer(9_007_199_254_740_993)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .outOfRange), ("-9223372036854775809", .outOfRange),
        ("123456789012345678901234567890", .outOfRange),
        ("1.5", .notInteger), ("1.0", .notInteger), ("1e3", .notInteger), ("1E+0", .notInteger), ("-0.0", .notInteger),
    ])
    func exactIntegers(text: String, expected: JSONNumber.Exact) throws {
        let parsed = try number(text)
        #expect(parsed.exact == expected)
        #expect(parsed.text == text)
        #expect(parsed.isIntegerLiteral == (expected != .notInteger))
    }

    @Test("numbers compare by value, as in Python")
    func numberEquality() throws {
        #expect(try number("1") == number("1.0"))
        #expect(try number("1") != number("2"))
        #expect(try number("9007199254740993") != number("9007199254740992"))
        #expect(try parse("[1, 2]") == .array([.number(JSONNumber(1)), .number(JSONNumber(2))]))
    }

    @Test("every occurrence of a repeated key stays visible, with its offset")
    func repeatedMembers() throws {
        let text = #"{"x": 1, "y": 2, "x": 3}"#
        let object = try #require(try parse(text).objectValue)
        #expect(object.members.map(\.key) == ["x", "y", "x"])
        #expect(object.members.map(\.keyOffset) == [1, 9, 17])
        // The dictionary view is Python's: first position, last value.
        #expect(object.keys == ["x", "y"])
        #expect(object.count == 2)
        #expect(object["x"] == .number(JSONNumber(3)))
        #expect(object.uniqueMembers.map(\.keyOffset) == [1, 9])
    }

    @Test("large objects find repeated keys and look up members the same way", arguments: [17, 1000])
    func largeObjects(size: Int) throws {
        let members = (0 ..< size).map { "\"k\($0)\": \($0)" } + ["\"k3\": -1"]
        let object = try #require(try parse("{" + members.joined(separator: ", ") + "}").objectValue)
        #expect(object.members.count == size + 1)
        #expect(object.count == size)
        #expect(object["k3"]?.numberValue?.integerValue == -1)
        #expect(object["k\(size - 1)"]?.numberValue?.integerValue == size - 1)
        #expect(object["missing"] == nil)
        #expect(object.keys == (0 ..< size).map { "k\($0)" })
        #expect(object.uniqueMembers[3].value == .number(JSONNumber(-1)))
    }

    @Test("keys that differ only in Unicode normalization stay separate")
    func codePointKeys() throws {
        for padding in [0, 20] {
            let extra = (0 ..< padding).map { ", \"p\($0)\": 0" }.joined()
            let object = try #require(try parse("{\"\u{E9}\": 1, \"e\u{301}\": 2\(extra)}").objectValue)
            #expect(object.count == 2 + padding)
            #expect(object["\u{E9}"]?.numberValue?.integerValue == 1)
            #expect(object["e\u{301}"]?.numberValue?.integerValue == 2)
        }
    }

    @Test("set replaces in place or appends, and equality ignores order")
    func mutation() throws {
        var object = try #require(try parse(#"{"a": 1, "b": 2, "a": 3}"#).objectValue)
        object.set(.string("new"), for: "a")
        object.set(.null, for: "c")
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["a"] == .string("new"))
        #expect(object == JSONObject([("c", .null), ("b", .number(JSONNumber(2))), ("a", .string("new"))]))
        #expect(object != JSONObject([("a", .string("new")), ("b", .number(JSONNumber(2)))]))
        var growing = JSONObject()
        for i in 0 ..< 40 { growing.set(.number(JSONNumber(i)), for: "k\(i % 30)") }
        #expect(growing.count == 30)
        #expect(growing["k5"] == .number(JSONNumber(35)))
    }

    @Test("NaN and Infinity are refused unless asked for, as Python's json module writes them")
    func nonFiniteNumbers() throws {
        for (text, offset) in [("[NaN]", 1), ("[Infinity]", 1), ("[-Infinity]", 2)] {
            #expect(throws: JSONSyntaxError.self) { try parse(text) }
            do { _ = try parse(text) } catch { #expect(error.offset == offset, "\(text): \(error.reason)") }
        }
        let python = JSONParser.Options(allowsNonFiniteNumbers: true)
        let array = try #require(try parse("[NaN, Infinity, -Infinity, -1]", options: python).arrayValue)
        let numbers = try array.map { try #require($0.numberValue) }
        #expect(numbers[0].doubleValue.isNaN)
        #expect(numbers[1].doubleValue == .infinity)
        #expect(numbers[2].doubleValue == -.infinity)
        #expect(numbers.map(\.exact) == [.notInteger, .notInteger, .notInteger, .integer(-1)])
    }

    @Test("decodes every escape, surrogate pairs included")
    func escapes() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u0000\u00e9\u20AC\ud834\udd1e""#)
        #expect(value == .string("\"\\/\u{8}\u{C}\n\r\t\u{0}é€𝄞"))
        #expect(try parse("\"plain \u{1F680} text\"") == .string("plain 🚀 text"))
    }

    @Test("rejects malformed text with the offending byte offset", arguments: [
        ("", 0), ("   ", 3), ("{", 1), (#"{"a":}"#, 5), (#"{"a": 1,}"#, 8), (#"{"a" 1}"#, 5), ("{'a':1}", 1),
        (#"[1, 2"#, 5), (#"[1 2]"#, 3), (#""abc"#, 4), (#"{"a": tru}"#, 6), (#"[01]"#, 2), (#"{} x"#, 3),
        (#"[1.]"#, 3), (#"[-]"#, 2), (#"[1e]"#, 3), (#"[+1]"#, 1), ("[\"\u{01}\"]", 2), (#"["\x"]"#, 2),
        (#"["\u12"]"#, 2), (#"["\u12g4"]"#, 2), (#"["\ud800"]"#, 2), (#"["\ud800\u0041"]"#, 2), (#"["\udc00"]"#, 2),
        ("[\"\\", 2),
    ])
    func malformed(text: String, offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error.reason)")
        }
    }

    @Test("caps nesting depth instead of exhausting the stack", arguments: [(256, 100_000), (64, 200_000)])
    func depthCap(maxDepth: Int, levels: Int) {
        let deep = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        do {
            _ = try parse(deep, options: JSONParser.Options(maxDepth: maxDepth))
            Issue.record("deep nesting was accepted")
        } catch {
            #expect(error.reason.contains("nesting"))
            #expect(error.offset == maxDepth)
        }
    }

    @Test("nesting up to the cap is accepted")
    func depthAtCap() throws {
        let text = String(repeating: "{\"a\":", count: 32) + String(repeating: "[", count: 31) + "[]"
            + String(repeating: "]", count: 31) + String(repeating: "}", count: 32)
        var value = try parse(text, options: JSONParser.Options(maxDepth: 64))
        var depth = 0
        while true {
            if let next = value.objectValue?["a"] ?? value.arrayValue?.first {
                value = next
                depth += 1
            } else {
                break
            }
        }
        #expect(depth == 63)
    }

    @Test("errors describe themselves with their offset")
    func errorDescription() {
        #expect(JSONSyntaxError(offset: 12, reason: "bad").description == "invalid JSON at byte offset 12: bad")
    }

    @Test("finds the first invalid UTF-8 byte", arguments: [
        ([0x61, 0xC3, 0xA9, 0x62] as [UInt8], nil as Int?),
        ([0x61, 0xC0, 0x80], 1),
        ([0x61, 0x62, 0xED, 0xA0, 0x80], 2),
        ([0xF4, 0x90, 0x80, 0x80], 0),
        ([0x61, 0xE2, 0x82], 1),
        ([0xF0, 0x9D, 0x84, 0x9E, 0xEF, 0xBF, 0xBF], nil),
        ([0xE0, 0x9F, 0x80], 0),
        ([0x80], 0),
        ([0xFF], 0),
    ])
    func utf8Validation(bytes: [UInt8], expected: Int?) {
        #expect(bytes.withUnsafeBytes { firstInvalidUTF8Offset($0) } == expected)
    }

    @Test("finds a bad byte at every position of long ASCII runs")
    func utf8ValidationAfterASCII() {
        for position in 0 ..< 40 {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 40)
            #expect(bytes.withUnsafeBytes { firstInvalidUTF8Offset($0) } == nil)
            bytes[position] = 0xC3
            let expected: Int? = position == 39 ? 39 : position
            #expect(bytes.withUnsafeBytes { firstInvalidUTF8Offset($0) } == expected)
            if position < 39 {
                bytes[position + 1] = 0xA9
                #expect(bytes.withUnsafeBytes { firstInvalidUTF8Offset($0) } == nil)
            }
        }
    }
}
