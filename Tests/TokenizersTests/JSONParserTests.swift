import Testing
@testable import Tokenizers

@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try JSONParser.parse(buffer) }
        }
        return try result.get()
    }

    @Test("parses nested values, keeps member order and tells integers from fractions")
    func nestedValues() throws {
        let value = try parse(#"{"b": [1, 2.5, -3e2, true, null, "x"], "a": {"k": "\u00e9\ud83d\ude80\n"}, "big": 100000000000000000000000}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a", "big"])
        #expect(object["b"] == .array([.integer(1), .double(2.5), .double(-300), .bool(true), .null, .string("x")]))
        #expect(object["a"]?.objectValue?["k"] == .string("é🚀\n"))
        #expect(object["big"] == .double(1e23))
    }

    @Test("a repeated key keeps its first position and takes the last value, like Python")
    func repeatedKeys() throws {
        let object = try #require(try parse(#"{"x": 1, "y": 2, "x": 3}"#).objectValue)
        #expect(object.keys == ["x", "y"])
        #expect(object["x"] == .integer(3))
    }

    @Test("keys that differ only in Unicode normalization stay separate")
    func exactKeys() throws {
        let object = try #require(try parse("{\"\u{E9}\": 1, \"e\u{301}\": 2}").objectValue)
        #expect(object.count == 2)
    }

    @Test("accepts Python's NaN and Infinity extensions")
    func pythonExtensions() throws {
        let array = try #require(try parse("[NaN, Infinity, -Infinity]").arrayValue)
        #expect(array.count == 3)
        #expect(array[2] == .double(-.infinity))
    }

    @Test("rejects malformed text with the offending byte offset", arguments: [
        (#"{"a": 1,}"#, 8),
        (#"{"a" 1}"#, 5),
        (#"[1, 2"#, 5),
        (#""abc"#, 4),
        (#"{"a": tru}"#, 6),
        (#"[01]"#, 2),
        (#"{} x"#, 3),
        ("[\"\u{01}\"]", 2),
        (#"["\x"]"#, 2),
        (#"["\ud800"]"#, 2),
    ])
    func malformed(text: String, offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error.reason)")
        }
    }

    @Test("caps nesting depth instead of exhausting the stack")
    func depthCap() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do {
            _ = try parse(deep)
            Issue.record("deep nesting was accepted")
        } catch {
            #expect(error.reason.contains("nesting"))
            #expect(error.offset == 256)
        }
    }

    @Test("finds the first invalid UTF-8 byte", arguments: [
        ([0x61, 0xC3, 0xA9, 0x62] as [UInt8], nil as Int?),
        ([0x61, 0xC0, 0x80], 1),
        ([0x61, 0x62, 0xED, 0xA0, 0x80], 2),
        ([0xF4, 0x90, 0x80, 0x80], 0),
        ([0x61, 0xE2, 0x82], 1),
    ])
    func utf8Validation(bytes: [UInt8], expected: Int?) {
        #expect(bytes.withUnsafeBytes { firstInvalidUTF8Offset($0) } == expected)
    }
}
