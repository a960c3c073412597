import FileSupport
import Testing
@testable import Tokenizers

/// How the tokenizer reader sees JSON values; the parser itself is tested in
/// SafeTensorsTests/JSONParserTests.
@Suite("JSON as Python reads it")
struct PythonJSONTests {
    private func parse(_ text: String) throws -> JSONValue {
        try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0, options: pythonJSON) }
    }

    @Test("integers are what isinstance(x, int) accepts, booleans included", arguments: [
        ("3", 3 as Int?), ("-7", -7), ("true", 1), ("false", 0), ("3.0", nil), ("1e2", nil), ("\"3\"", nil),
        ("null", nil), ("100000000000000000000000", nil),
    ])
    func pythonInt(text: String, expected: Int?) throws {
        #expect(try parse(text).pythonInt == expected)
    }

    @Test("truthiness follows Python", arguments: [
        ("0", false), ("0.0", false), ("-0.0", false), ("1", true), ("0.5", true), ("NaN", true), ("\"\"", false),
        ("\"a\"", true), ("[]", false), ("[0]", true), ("{}", false), ("{\"a\": null}", true), ("null", false),
        ("false", false), ("true", true),
    ])
    func truthiness(text: String, expected: Bool) throws {
        #expect(try parse(text).isTruthy == expected)
    }

    @Test("tokenizer files may use Python's NaN and Infinity")
    func nonFinite() throws {
        let array = try #require(try parse("[NaN, Infinity, -Infinity]").arrayValue)
        #expect(array.compactMap(\.numberValue).map(\.doubleValue).last == -.infinity)
    }
}
