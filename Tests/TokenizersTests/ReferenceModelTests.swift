import FileSupport
import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

/// Checks against real tokenizers: the shared stories260K model (compared with the
/// `sentencepiece` package) and the SmolLM2 fixture (compared with the GGUF llama.cpp's
/// converter produced). Each skips when its files or Python modules are absent.
@Suite("reference models")
struct ReferenceModelTests {
    static let hasStories = RealTokenizers.hasStories
    static let hasSentencePiece = Python.canImport("sentencepiece")
    static let hasSmolLM2 = RealTokenizers.hasSmolLM2 && TestAssets.smolLM2GGUF != nil
    static let hasGGUFPackage = Python.canImport("gguf", "numpy")

    /// Prints pieces, score bit patterns and converter token types for a tokenizer.model.
    static let sentencePieceDump = """
        import json, struct, sys
        import sentencepiece as spm
        p = spm.SentencePieceProcessor(model_file=sys.argv[1])
        out = {"tokens": [], "scores": [], "types": []}
        for i in range(p.vocab_size()):
            t = 1
            if p.is_unknown(i): t = 2
            elif p.is_control(i): t = 3
            elif p.is_unused(i): t = 5
            elif p.is_byte(i): t = 6
            out["tokens"].append(p.id_to_piece(i))
            out["scores"].append(struct.unpack("<I", struct.pack("<f", p.get_score(i)))[0])
            out["types"].append(t)
        print(json.dumps(out))
        """

    /// Prints every tokenizer.* field of a GGUF as {"keys": [...], "values": {key: [type, value]}}.
    static let ggufDump = """
        import json, sys
        from gguf import GGUFReader, GGUFValueType
        r = GGUFReader(sys.argv[1])
        keys, values = [], {}
        for f in r.fields.values():
            if not f.name.startswith("tokenizer."): continue
            keys.append(f.name)
            t = f.types[0]
            v = f.contents()
            sub = f.types[1].name if t == GGUFValueType.ARRAY else None
            values[f.name] = [t.name, sub, v]
        print(json.dumps({"keys": keys, "values": values}))
        """

    @Test("stories260K: tokens, scores and types equal the sentencepiece package's",
          .enabled(ifAvailable: hasStories, "needs ../shared/models/stories260K (set GGUFKIT_SHARED)"),
          .enabled(if: hasSentencePiece, "needs python3 with the sentencepiece package"))
    func storiesVocabulary() throws {
        let reference = try Python.jsonValue(Self.sentencePieceDump, arguments: [RealTokenizers.storiesFolder + "/tokenizer.model"])
        let expected = try #require(reference.objectValue)
        let tokenizer = try HFTokenizerLoader.load(directory: RealTokenizers.storiesFolder, vocabSize: 512,
                                                   options: LogLines().options())
        let vocabulary = tokenizer.vocabulary
        #expect(vocabulary.tokens == expected["tokens"]?.arrayValue?.compactMap(\.stringValue))
        #expect(vocabulary.scores?.map { Int($0.bitPattern) } == expected["scores"]?.arrayValue?.compactMap(\.pythonInt))
        #expect(vocabulary.tokenTypes.map { Int($0.rawValue) } == expected["types"]?.arrayValue?.compactMap(\.pythonInt))
        #expect(tokenizer.sentencePiece?.byteFallback == true)
    }

    @Test("stories260K: the llama metadata the converter writes",
          .enabled(ifAvailable: hasStories, "needs ../shared/models/stories260K (set GGUFKIT_SHARED)"))
    func storiesMetadata() throws {
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: RealTokenizers.storiesFolder, vocabSize: 512, options: log.options())
        #expect(metadata.keys == [
            "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
            "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
            "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
            "tokenizer.ggml.add_sep_token", "tokenizer.ggml.add_eos_token",
        ])
        #expect(metadata["tokenizer.ggml.model"] == .string("llama"))
        #expect(metadata["tokenizer.ggml.pre"] == .string("default"))
        #expect(metadata["tokenizer.ggml.bos_token_id"] == .uint32(1))
        #expect(metadata["tokenizer.ggml.eos_token_id"] == .uint32(2))
        #expect(metadata["tokenizer.ggml.unknown_token_id"] == .uint32(0))
        #expect(metadata["tokenizer.ggml.padding_token_id"] == .uint32(2))
        #expect(metadata["tokenizer.ggml.add_bos_token"] == .bool(true))
        #expect(metadata["tokenizer.ggml.add_sep_token"] == .bool(false))
        #expect(metadata["tokenizer.ggml.add_eos_token"] == .bool(false))
        #expect(log.contains("no pad token: using eos (2) as pad"))
    }

    @Test("SmolLM2: every tokenizer key of llama.cpp's GGUF is reproduced",
          .enabled(if: hasSmolLM2, "needs ~/.cache/ggufkit-fixtures/smollm2-135m-instruct and smollm2-original-q4_1.gguf (set GGUFKIT_FIXTURES; build with ../shared/scripts/make-smollm2-hf.sh)"),
          .enabled(if: hasGGUFPackage, "needs python3 with the gguf package"))
    func smolLM2() throws {
        let dump = try #require(try Python.jsonValue(Self.ggufDump, arguments: [TestAssets.smolLM2GGUF ?? ""]).objectValue)
        let referenceKeys = (dump["keys"]?.arrayValue ?? []).compactMap(\.stringValue)
        try #require(!referenceKeys.isEmpty)
        let referenceValues = try #require(dump["values"]?.objectValue)
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: RealTokenizers.smolLM2Folder, vocabSize: 49152, options: log.options())

        for key in referenceKeys {
            let entry = try #require(referenceValues[key]?.arrayValue)
            let ours = try #require(metadata[key], "missing \(key)")
            #expect(Self.matches(ours, type: entry[0].stringValue, subtype: entry[1].stringValue, value: entry[2]), "\(key) differs")
        }
        #expect(metadata["tokenizer.ggml.pre"] == .string("smollm"))
        #expect(metadata["tokenizer.ggml.add_bos_token"] == .bool(false))
        // Today's converter also writes add_eos_token = false (ByteLevel post-processor);
        // the reference GGUF comes from an older converter, which did not.
        #expect(Set(metadata.keys).subtracting(referenceKeys) == ["tokenizer.ggml.add_eos_token"])
        #expect(metadata["tokenizer.ggml.add_eos_token"] == .bool(false))
        // The older converter also wrote add_bos_token before the vocabulary; every
        // other key is in the same relative order.
        let shared = metadata.keys.filter { referenceKeys.contains($0) && $0 != "tokenizer.ggml.add_bos_token" }
        #expect(shared == referenceKeys.filter { $0 != "tokenizer.ggml.add_bos_token" })
    }

    /// Compares one of our values with a GGUFReader dump entry, type included.
    static func matches(_ value: GGUFValue, type: String?, subtype: String?, value reference: JSONValue) -> Bool {
        switch (value, type) {
        case let (.string(s), "STRING"?): return reference.stringValue.map { s.isExactly($0) } ?? false
        case let (.bool(b), "BOOL"?): return reference == .bool(b)
        case let (.uint32(v), "UINT32"?): return reference.pythonInt == Int(v)
        case let (.array(elementType, items), "ARRAY"?):
            guard let list = reference.arrayValue, list.count == items.count else { return false }
            switch (elementType, subtype) {
            case (.string, "STRING"?):
                return zip(items, list).allSatisfy { item, ref in
                    guard let s = item.stringValue, let r = ref.stringValue else { return false }
                    return s.isExactly(r)
                }
            case (.int32, "INT32"?):
                return zip(items, list).allSatisfy { $0.intValue == $1.pythonInt }
            case (.float32, "FLOAT32"?):
                return zip(items, list).allSatisfy { item, ref in
                    guard case let .float32(f) = item else { return false }
                    return ref.numberValue.map { Float($0.doubleValue) == f } ?? false
                }
            default: return false
            }
        default: return false
        }
    }
}
