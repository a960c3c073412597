import Foundation
import GGUF
import Testing
@testable import Export
import TestSupport

/// Bad input and bad targets: clear errors, and never a half-written folder.
@Suite("Export errors and atomic output")
struct ExportErrorTests {
    static let bpe = TinyModel.Vocabulary.bytePairs(pre: "gpt-2", addBOS: false)

    /// Writes `model`, exports it to `dir/hf`, and returns the error the export threw.
    private func exportError(_ model: TinyModel, in dir: TemporaryDirectory,
                             options: ExportOptions = ExportOptions(threads: 1)) throws -> ExportError? {
        try model.write(to: dir.file("tiny.gguf"))
        do {
            _ = try GGUFExporter.export(ggufPath: dir.file("tiny.gguf"), to: dir.file("hf"), options: options)
            return nil
        } catch let error as ExportError {
            return error
        }
    }

    @Test("a non-empty target is refused before anything is written, and left as it was")
    func nonEmptyTargetRefused() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("hf"), withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir.file("hf/notes.txt")))
        let error = try exportError(TinyModel(vocabulary: Self.bpe), in: dir)
        guard case .targetNotEmpty? = error else { Issue.record("expected targetNotEmpty, got \(String(describing: error))"); return }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("hf")) == ["notes.txt"])
        #expect(dir.entries == ["hf", "tiny.gguf"])
    }

    @Test("overwrite replaces a non-empty target; an empty folder is used as it is")
    func overwriteAndEmptyTarget() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("hf"), withIntermediateDirectories: false)
        #expect(try exportError(TinyModel(vocabulary: Self.bpe), in: dir) == nil)
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir.file("hf/stale.txt")))
        #expect(try exportError(TinyModel(vocabulary: Self.bpe), in: dir, options: ExportOptions(threads: 1, overwrite: true)) == nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("hf"))
        #expect(!files.contains("stale.txt") && files.contains("model.safetensors"))
        #expect(dir.entries == ["hf", "tiny.gguf"])
    }

    @Test("a target that is a file is refused")
    func targetIsAFile() throws {
        let dir = try TemporaryDirectory()
        try Data().write(to: URL(fileURLWithPath: dir.file("hf")))
        let error = try exportError(TinyModel(vocabulary: Self.bpe), in: dir)
        guard case .targetNotADirectory? = error else { Issue.record("got \(String(describing: error))"); return }
    }

    @Test("a tokenizer SentencePiece could not load is refused before any output exists")
    func badTokenizerLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        var model = TinyModel(vocabulary: .sentencePiece)
        // SentencePiece refuses two normal pieces with the same text.
        var tokens = TinyModel.spmTokens.map(\.0)
        tokens[tokens.count - 3] = tokens[tokens.count - 4]
        model.metadata[GGUFKey.tokenizerTokens] = .strings(tokens)
        let error = try exportError(model, in: dir)
        guard case let .unsupportedTokenizer(path, reason)? = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(path == dir.file("tiny.gguf") && reason.contains("repeats"))
        #expect(dir.entries == ["tiny.gguf"])
    }

    @Test("an output folder that is never committed disappears, leaving the target untouched")
    func uncommittedFolderVanishes() throws {
        let dir = try TemporaryDirectory()
        var partial = ""
        do {
            let folder = try OutputFolder(target: dir.file("hf"), overwrite: false)
            partial = folder.partial
            try OutputFolder.writeFile(Array("{}".utf8), to: folder.path("config.json"))
            #expect(FileManager.default.fileExists(atPath: folder.path("config.json")))
            #expect(URL(fileURLWithPath: partial).lastPathComponent.hasPrefix("hf.partial-"))
        }
        #expect(!FileManager.default.fileExists(atPath: partial))
        #expect(dir.entries.isEmpty)
    }

    @Test("committing over a non-empty folder with overwrite swaps it in and removes the old one")
    func commitWithOverwrite() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("hf"), withIntermediateDirectories: false)
        try Data("old".utf8).write(to: URL(fileURLWithPath: dir.file("hf/old.txt")))
        let folder = try OutputFolder(target: dir.file("hf/"), overwrite: true)
        try OutputFolder.writeFile(Array("new".utf8), to: folder.path("new.txt"))
        try folder.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("hf")) == ["new.txt"])
        #expect(dir.entries == ["hf"])
    }

    @Test("files that are not GGUF, and architectures export does not know, are refused")
    func unreadableOrUnsupported() throws {
        let dir = try TemporaryDirectory()
        try Data("not a gguf".utf8).write(to: URL(fileURLWithPath: dir.file("bad.gguf")))
        #expect(throws: ExportError.self) {
            try GGUFExporter.export(ggufPath: dir.file("bad.gguf"), to: dir.file("out"), options: ExportOptions())
        }
        var model = TinyModel(vocabulary: Self.bpe)
        model.metadata[GGUFKey.architecture] = .string("gemma")
        guard case let .unsupportedArchitecture(_, architecture, _)? = try exportError(model, in: dir) else {
            Issue.record("expected unsupportedArchitecture"); return
        }
        #expect(architecture == "gemma")
        #expect(!dir.entries.contains { $0.hasPrefix("hf") || $0.hasPrefix("out") })
    }

    @Test("tensors without a Hugging Face name, or past the block count, are named in the error",
          arguments: ["blk.0.attn_weird.weight", "blk.2.attn_norm.weight", "blk.01.attn_norm.weight", "mystery"])
    func unknownTensor(name: String) throws {
        let dir = try TemporaryDirectory()
        var model = TinyModel(vocabulary: Self.bpe)
        model.tensors.append(TinyTensor(name: name, dimensions: [64], type: .f32, values: [Float](repeating: 1, count: 64)))
        guard case let .unknownTensor(_, tensor, _)? = try exportError(model, in: dir) else {
            Issue.record("expected unknownTensor"); return
        }
        #expect(tensor == name)
    }

    @Test("hyper-parameters that contradict each other or the tensors are refused")
    func inconsistentShapes() throws {
        let dir = try TemporaryDirectory()
        var model = TinyModel(vocabulary: Self.bpe)
        model.metadata["llama.attention.head_count_kv"] = .uint32(3)
        guard case let .invalidMetadata(_, key, _)? = try exportError(model, in: dir) else {
            Issue.record("expected invalidMetadata"); return
        }
        #expect(key == "llama.attention.head_count_kv")

        let dir2 = try TemporaryDirectory()
        var odd = TinyModel(vocabulary: Self.bpe)
        let index = try #require(odd.tensors.firstIndex { $0.name == "blk.0.attn_q.weight" })
        odd.tensors[index] = TinyTensor(name: "blk.0.attn_q.weight", dimensions: [64, 62], type: .f32,
                                        values: [Float](repeating: 0, count: 64 * 62))
        guard case let .invalidTensorShape(_, tensor, _, _)? = try exportError(odd, in: dir2) else {
            Issue.record("expected invalidTensorShape"); return
        }
        #expect(tensor == "blk.0.attn_q.weight")
    }

    @Test("a tensor type without a dequantizer is refused by name")
    func unsupportedType() throws {
        let dir = try TemporaryDirectory()
        var model = TinyModel(vocabulary: Self.bpe)
        let index = try #require(model.tensors.firstIndex { $0.name == "output_norm.weight" })
        model.tensors[index] = TinyTensor(name: "output_norm.weight", dimensions: [64], type: .q8_1,
                                          bytes: [UInt8](repeating: 0, count: 72), values: [])
        guard case let .unsupportedTensorType(_, tensor, type)? = try exportError(model, in: dir) else {
            Issue.record("expected unsupportedTensorType"); return
        }
        #expect(tensor == "output_norm.weight" && type == "q8_1")
    }

    @Test("tokenizer arrays of mismatched lengths and special ids of the wrong type are refused")
    func badTokenizerMetadata() throws {
        let dir = try TemporaryDirectory()
        var model = TinyModel(vocabulary: Self.bpe)
        model.metadata[GGUFKey.tokenizerTokenType] = .int32s([1, 1, 1])
        guard case let .invalidMetadata(_, key, _)? = try exportError(model, in: dir) else {
            Issue.record("expected invalidMetadata"); return
        }
        #expect(key == GGUFKey.tokenizerTokenType)

        let dir2 = try TemporaryDirectory()
        var wrongType = TinyModel(vocabulary: Self.bpe)
        wrongType.metadata[GGUFKey.bosTokenID] = .string("1")
        guard case let .invalidMetadata(_, bosKey, _)? = try exportError(wrongType, in: dir2) else {
            Issue.record("expected invalidMetadata"); return
        }
        #expect(bosKey == GGUFKey.bosTokenID)
    }

    @Test("special token ids past the vocabulary are left out with a warning, not trusted")
    func outOfRangeSpecialID() throws {
        let dir = try TemporaryDirectory()
        var model = TinyModel(vocabulary: Self.bpe)
        model.metadata[GGUFKey.paddingTokenID] = .uint32(1_000_000)
        try model.write(to: dir.file("tiny.gguf"))
        let lines = LogLines()
        _ = try GGUFExporter.export(ggufPath: dir.file("tiny.gguf"), to: dir.file("hf"),
                                    options: ExportOptions(threads: 1, log: { lines.append($0) }))
        #expect(lines.contains("padding_token_id"))
        let config = try readJSONObject(dir.file("hf/config.json"))
        #expect(config["pad_token_id"] == nil)
    }
}
