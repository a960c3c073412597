import Foundation
import GGUF
import Models
import Testing
@testable import Export
import TestSupport

@Suite("Tokenizer files and JSON text")
struct TokenizerFilesTests {
    @Test("JSON text keeps member order, escapes control characters and prints float32 values shortest")
    func jsonText() {
        let document = JSONText.object([
            ("z", .int(1)), ("a", .string("quote \" slash \\ tab \t nul \u{0} é ▁")),
            ("eps", .float(1e-5)), ("theta", .float(100_000)), ("nan", .float(.nan)), ("list", .array([])),
        ])
        let compact = String(decoding: document.serialized(indent: 0), as: UTF8.self)
        #expect(compact == #"{"z":1,"a":"quote \" slash \\ tab \t nul \u0000 é ▁","eps":1e-05,"theta":100000.0,"nan":null,"list":[]}"#)
        let pretty = String(decoding: JSONText.object([("k", .array([.bool(true)]))]).serialized(), as: UTF8.self)
        #expect(pretty == "{\n  \"k\": [\n    true\n  ]\n}\n")
    }

    @Test("the protobuf writer encodes negative int32 as ten-byte varints and floats little-endian")
    func protobuf() {
        var writer = ProtobufWriter()
        writer.varint(43, -1)
        writer.float(2, 1)
        writer.string(1, "ab")
        #expect(writer.bytes == [0xD8, 0x02] + [UInt8](repeating: 0xFF, count: 9) + [0x01]
            + [0x15, 0x00, 0x00, 0x80, 0x3F] + [0x0A, 0x02, 0x61, 0x62])
    }

    @Test("every pre-tokenizer template loads in python tokenizers and splits text",
          .enabled(if: Python.canImport("tokenizers"), "needs python3 with the tokenizers package"),
          arguments: ["gpt-2", "llama-bpe", "smaug-bpe", "qwen2", "gpt-4o", "smollm", "default", "no-such-pre"])
    func templatesLoadInTokenizers(pre: String) throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: pre, addBOS: pre == "llama-bpe"))
        let (output, _) = try ExportExpectations.export(model, in: dir)
        let script = """
        import sys
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(sys.argv[1])
        enc = tok.encode("abc ab de 123!")
        print(enc.tokens)
        assert "abc" in enc.tokens and "Ġab" in enc.tokens, enc.tokens
        if sys.argv[2] == "1": assert enc.ids[0] == 1, enc.ids
        """
        let result = try Python.run(script: script, arguments: [output + "/tokenizer.json", pre == "llama-bpe" ? "1" : "0"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("unknown pre-tokenizer names fall back to llama.cpp's default chain with a warning")
    func unknownPreTokenizer() {
        let template = PreTokenizerTemplates.template(for: "no-such-pre")
        #expect(!template.recognised)
        #expect(PreTokenizerTemplates.template(for: "default").recognised)
        #expect(PreTokenizerTemplates.template(for: "llama-bpe").ignoreMerges)
    }

    @Test("a SentencePiece vocabulary with unigram-like scores is written as a unigram model")
    func unigramDetection() throws {
        var tokenizer = try #require(try TokenizerMetadata.read(
            GGUFMetadataReader(metadata: TinyModel(vocabulary: .sentencePiece).metadata, source: "t"), log: { _ in }))
        let files = { SentencePieceFiles(tokenizer: tokenizer, contextLength: nil, path: "t", log: { _ in }) }
        // Field 2 (trainer_spec) then field 3 (model_type) = 2 (BPE) or 1 (unigram).
        #expect(try Self.modelType(files().tokenizerModel()) == 2)
        tokenizer.scores = tokenizer.scores?.enumerated().map { $0.offset > 258 ? -Float($0.offset) * 0.37 : $0.element }
        #expect(try Self.modelType(files().tokenizerModel()) == 1)
    }

    /// Finds TrainerSpec.model_type in a serialized ModelProto (just enough parsing for the test).
    static func modelType(_ bytes: [UInt8]) -> Int? {
        var i = 0
        func varint() -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while i < bytes.count {
                let byte = bytes[i]; i += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { break }
                shift += 7
            }
            return value
        }
        while i < bytes.count {
            let key = varint()
            guard key & 7 == 2 else { return nil }
            let length = Int(varint())
            if key >> 3 == 2, i + 1 < bytes.count, bytes[i] == 0x18 { return Int(bytes[i + 1]) }
            i += length
        }
        return nil
    }
}
