import Testing
import TestSupport
@testable import Tokenizers

@Suite("loader errors")
struct LoaderErrorTests {
    private func load(_ folder: TemporaryDirectory) throws -> Any {
        try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: nil, options: LogLines().options())
    }

    @Test("a folder without tokenizer files names the folder")
    func missingFiles() throws {
        let folder = try TemporaryDirectory()
        try folder.writeJSON("config.json", ["vocab_size": 10])
        #expect(throws: TokenizersError.missingTokenizerFiles(directory: folder.path)) { try load(folder) }
    }

    @Test("malformed JSON names the file and the byte offset")
    func malformedJSON() throws {
        let folder = try TemporaryDirectory()
        try folder.write("tokenizer.json", "{\"model\": {\"type\": \"BPE\",, }}")
        #expect(throws: TokenizersError.invalidJSON(path: folder.file("tokenizer.json"), offset: 25,
                                                   reason: "expected a member name in double quotes")) { try load(folder) }
    }

    @Test("invalid UTF-8 names the file and the byte offset")
    func invalidUTF8() throws {
        let folder = try TemporaryDirectory()
        try folder.write("tokenizer_config.json", bytes: Array("{\"a\": \"".utf8) + [0xFF] + Array("\"}".utf8))
        #expect(throws: TokenizersError.invalidUTF8(path: folder.file("tokenizer_config.json"), offset: 7)) { try load(folder) }
    }

    @Test("a corrupt tokenizer.model is reported with its offset")
    func corruptModel() throws {
        let folder = try TemporaryDirectory()
        try folder.write("tokenizer.model", bytes: [0x0A, 0x7F, 0x01])
        #expect(throws: TokenizersError.invalidProtobuf(
            path: folder.file("tokenizer.model"), offset: 1,
            reason: "length 127 runs past the end of the enclosing message (1 bytes left)")) { try load(folder) }
    }

    @Test("wrongly shaped values name the JSON path", arguments: [
        (#"{"model": {"type": "BPE", "vocab": {"a": "x"}}}"#, "$.model.vocab.a", "an integer"),
        (#"{"model": {"type": "BPE", "vocab": {}}, "added_tokens": [{"id": 1}]}"#, "$.added_tokens[0].content", "a string"),
        (#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}}"#, "$.model.merges[0]", "a \"left right\" string or a [left, right] pair"),
        (#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a", "b"], "c d"]}}"#, "$.model.merges[1]", "a [left, right] pair"),
        (#"[]"#, "$", "an object"),
    ])
    func shapes(json: String, path: String, expected: String) throws {
        let folder = try TemporaryDirectory()
        try folder.write("tokenizer.json", json)
        do {
            _ = try load(folder)
            Issue.record("accepted \(json)")
        } catch let TokenizersError.unexpectedJSON(file, jsonPath, wanted, _) {
            #expect(file == folder.file("tokenizer.json"))
            #expect(jsonPath == path)
            #expect(wanted == expected)
        }
    }

    @Test("non-BPE tokenizer.json models are unsupported")
    func unigram() throws {
        let folder = try TemporaryDirectory()
        try folder.write("tokenizer.json", #"{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}"#)
        do {
            _ = try load(folder)
            Issue.record("accepted a Unigram model")
        } catch let TokenizersError.unsupportedTokenizer(path, reason) {
            #expect(path == folder.file("tokenizer.json"))
            #expect(reason.contains("Unigram"))
        }
    }

    @Test("errors describe themselves with file and position")
    func descriptions() {
        let error = TokenizersError.invalidJSON(path: "/m/tokenizer.json", offset: 12, reason: "bad")
        #expect(error.description == "/m/tokenizer.json: invalid JSON at byte offset 12: bad")
    }
}
