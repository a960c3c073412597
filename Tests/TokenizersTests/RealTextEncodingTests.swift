import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

/// Long real texts against the reference implementations: the `tokenizers` and
/// `sentencepiece` Python packages at test time, and llama.cpp's own tokenizer when
/// scripts/build-llama-tokenize-ref.sh has been run. Each skips when its inputs are absent.
@Suite("real text against references")
struct RealTextEncodingTests {
    static let hasText = fileExists(SharedText.wiki) && fileExists(SharedText.tinyStories)
    static let hasTokenizers = Python.canImport("tokenizers")
    static let hasSentencePiece = Python.canImport("sentencepiece")
    /// Our F16 conversions of SmolLM2 and stories260K, which `.ci/run` writes to the fixtures folder.
    static let smolGGUF = ProcessInfo.processInfo.environment["GGUFKIT_SMOL_GGUF"] ?? TestAssets.fixtures + "/smollm2-f16.gguf"
    static let storiesGGUF = ProcessInfo.processInfo.environment["GGUFKIT_STORIES_GGUF"]
        ?? TestAssets.fixtures + "/stories260K-f16.gguf"

    /// The texts compared: 20 KB of WikiText-2, the TinyStories sample and the tricky
    /// strings of the golden file.
    static func texts() throws -> [(name: String, text: String)] {
        var seen = Set<[UInt8]>()
        let tricky = Goldens.cases.map(\.text).filter { seen.insert(Array($0.utf8)).inserted }
        return [("wiki.test.raw[0..<20000]", try SharedText.prefix(SharedText.wiki, bytes: 20000)),
                ("tinystories valid-sample", try String(contentsOfFile: SharedText.tinyStories, encoding: .utf8))]
            + tricky.map { (String(reflecting: $0), $0) }
    }

    /// Both scripts read a JSON list of texts and print a JSON list of id lists.
    static let hfScript = """
        import json, sys
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(sys.argv[1])
        texts = json.load(open(sys.argv[2], encoding="utf-8"))
        print(json.dumps([tok.encode(t, add_special_tokens=False).ids for t in texts]))
        """

    static let sentencePieceScript = """
        import json, sys
        import sentencepiece as spm
        p = spm.SentencePieceProcessor(model_file=sys.argv[1])
        texts = json.load(open(sys.argv[2], encoding="utf-8"))
        print(json.dumps([p.encode(t) for t in texts]))
        """

    private func pythonIDs(_ script: String, model: String, texts: [String]) throws -> [[Int32]] {
        let folder = try TemporaryDirectory()
        try JSONSerialization.data(withJSONObject: texts).write(to: URL(fileURLWithPath: folder.file("texts.json")))
        let json = try Python.jsonValue(script, arguments: [model, folder.file("texts.json")])
        return try #require(json.arrayValue).map { list in
            try #require(list.arrayValue).compactMap { $0.pythonInt.map(Int32.init) }
        }
    }

    @Test("SmolLM2 equals the tokenizers package (which always parses special tokens)",
          .enabled(ifAvailable: RealTokenizers.hasSmolLM2, "needs the SmolLM2 fixture (../shared/scripts/make-smollm2-hf.sh)"),
          .enabled(ifAvailable: hasText, "needs ../shared/text (set GGUFKIT_SHARED)"),
          .enabled(if: hasTokenizers, "needs python3 with the tokenizers package"))
    func smolLM2AgainstHF() throws {
        let tokenizer = try TokenizerFactory.make(metadata: RealTokenizers.metadata(model: "smollm2"))
        let texts = try Self.texts()
        let references = try pythonIDs(Self.hfScript, model: RealTokenizers.smolLM2Folder + "/tokenizer.json", texts: texts.map(\.text))
        #expect(references.count == texts.count)
        for ((name, text), expected) in zip(texts, references) {
            let ids = try tokenizer.encode(text, addSpecial: false, parseSpecial: true)
            #expect(ids == expected, "\(name): \(firstDifference(ids, expected))")
        }
    }

    @Test("stories260K equals the sentencepiece package (BOS aside)",
          .enabled(ifAvailable: RealTokenizers.hasStories, "needs ../shared/models/stories260K (set GGUFKIT_SHARED)"),
          .enabled(ifAvailable: hasText, "needs ../shared/text (set GGUFKIT_SHARED)"),
          .enabled(if: hasSentencePiece, "needs python3 with the sentencepiece package"))
    func storiesAgainstSentencePiece() throws {
        let tokenizer = try TokenizerFactory.make(huggingFaceDirectory: RealTokenizers.storiesFolder)
        let texts = try Self.texts()
        let references = try pythonIDs(Self.sentencePieceScript, model: RealTokenizers.storiesFolder + "/tokenizer.model",
                                       texts: texts.map(\.text))
        #expect(references.count == texts.count)
        for ((name, text), expected) in zip(texts, references) {
            let ids = try tokenizer.encode(text)
            #expect(ids.first == 1, "\(name): BOS first")
            #expect(Array(ids.dropFirst()) == expected, "\(name): \(firstDifference(Array(ids.dropFirst()), expected))")
        }
    }

    @Test("the HF folder and its GGUF give the same tokenizer",
          .enabled(ifAvailable: RealTokenizers.hasSmolLM2, "needs the SmolLM2 fixture"),
          .enabled(if: TestAssets.smolLM2GGUF != nil, "needs the original SmolLM2 GGUF fixture"))
    func folderEqualsGGUF() throws {
        let fromFolder = try TokenizerFactory.make(huggingFaceDirectory: RealTokenizers.smolLM2Folder)
        let fromGGUF = try TokenizerFactory.make(metadata: GGUFFile(path: TestAssets.smolLM2GGUF ?? "").metadata)
        let text = "<|im_start|>user\nHow many r's are in 'strawberry'? Answer: 3.<|im_end|>\n"
        for parse in [false, true] {
            #expect(try fromFolder.encode(text, addSpecial: true, parseSpecial: parse)
                == fromGGUF.encode(text, addSpecial: true, parseSpecial: parse))
        }
        #expect(fromFolder.vocabularySize == 49152 && !fromFolder.addsBOS && fromFolder.bosTokenID == 1)
    }

    @Test("llama.cpp's tokenizer gives the same ids on the full WikiText-2 test file and TinyStories",
          .enabled(ifAvailable: LlamaReference.isAvailable, "needs scripts/build-llama-tokenize-ref.sh to have been run"),
          .enabled(ifAvailable: hasText, "needs ../shared/text (set GGUFKIT_SHARED)"),
          arguments: [smolGGUF, storiesGGUF])
    func againstLlamaCpp(model: String) throws {
        guard References.locate(fileExists(model) ? model : nil,
                                "\(model) (written by .ci/run with ggufkit convert --type f16)") != nil else { return }
        let tokenizer = try TokenizerFactory.make(metadata: GGUFFile(path: model).metadata)
        let wiki = try String(contentsOfFile: SharedText.wiki, encoding: .utf8)
        let stories = try String(contentsOfFile: SharedText.tinyStories, encoding: .utf8)
        let requests = [(wiki, true, false), (stories, true, false), (stories, true, true), (stories, false, true)]
        let expected = try LlamaReference.tokenize(model: model, requests.map { (text: $0.0, addSpecial: $0.1, parseSpecial: $0.2) })
        for ((text, add, parse), reference) in zip(requests, expected) {
            let ids = try tokenizer.encode(text, addSpecial: add, parseSpecial: parse)
            #expect(ids == reference, "\(model) \(text.utf8.count) bytes add=\(add) parse=\(parse): \(firstDifference(ids, reference))")
        }
    }

    @Test("SmolLM2 tokenizes the 1.29 MB WikiText-2 test file quickly (time printed; bound checked in release builds)",
          .enabled(ifAvailable: RealTokenizers.hasSmolLM2, "needs the SmolLM2 fixture"),
          .enabled(ifAvailable: hasText, "needs ../shared/text (set GGUFKIT_SHARED)"))
    func speed() throws {
        let tokenizer = try TokenizerFactory.make(metadata: RealTokenizers.metadata(model: "smollm2"))
        let text = try String(contentsOfFile: SharedText.wiki, encoding: .utf8)
        let clock = ContinuousClock()
        var count = 0
        let elapsed = try clock.measure { count = try tokenizer.encode(text).count }
        print("SmolLM2: \(text.utf8.count) bytes -> \(count) tokens in \(elapsed)")
        #expect(count > 250_000)
        #if !DEBUG
        #expect(elapsed < .seconds(1))
        #endif
    }
}
