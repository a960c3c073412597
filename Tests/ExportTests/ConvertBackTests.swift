import Conversion
import Foundation
import GGUF
import Testing
@testable import Export
import TestSupport

/// Export, then convert the folder back with the project's own converter: the GGUF that
/// comes out must hold the same tensors and tokenizer as the one that went in.
@Suite("Export then convert back")
struct ConvertBackTests {
    static let hyperParameterKeys = [
        "llama.block_count", "llama.context_length", "llama.embedding_length", "llama.feed_forward_length",
        "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.freq_base",
        "llama.attention.layer_norm_rms_epsilon", "llama.vocab_size", "llama.rope.dimension_count",
    ]
    static let tokenizerKeys = [
        GGUFKey.tokenizerModel, GGUFKey.tokenizerPre, GGUFKey.tokenizerTokens, GGUFKey.tokenizerTokenType,
        GGUFKey.tokenizerScores, GGUFKey.tokenizerMerges, GGUFKey.bosTokenID, GGUFKey.eosTokenID,
        GGUFKey.unknownTokenID, GGUFKey.paddingTokenID, GGUFKey.addBOSToken, GGUFKey.addEOSToken, GGUFKey.chatTemplate,
    ]

    /// Converts `folder` to an F32 GGUF and opens it.
    static func convertBack(_ folder: String, in dir: TemporaryDirectory) throws -> GGUFFile {
        var options = ConversionOptions(modelDirectory: folder, outputPath: dir.file("back.gguf"))
        options.fileType = .f32
        options.threads = 2
        _ = try Converter.convert(options)
        return try GGUFFile(path: dir.file("back.gguf"))
    }

    /// Every original tensor is back under its name, with the original values after the dtype's rounding.
    static func expectSameTensors(_ model: TinyModel, _ back: GGUFFile, dtype: ExportDType) {
        #expect(Set(back.tensors.map(\.name)) == Set(model.tensors.map(\.name)))
        for tensor in model.tensors {
            guard let info = back.tensor(named: tensor.name) else { continue }
            #expect(info.dimensions == tensor.dimensions, "\(tensor.name)")
            #expect(info.type == .f32, "\(tensor.name)")
            let values = floats(of: info, in: back)
            if tensor.name == "rope_freqs.weight" {
                // Recomputed by the converter from config.json, not copied.
                #expect(zip(values, tensor.values).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
            } else {
                #expect(values == tensor.values.map { ExportExpectations.rounded($0, dtype) }, "\(tensor.name) values differ")
            }
        }
    }

    static func expectSameMetadata(_ model: TinyModel, _ back: GGUFFile, keys: [String]) {
        for key in keys {
            #expect(back.metadata[key] == model.metadata[key], "\(key)")
        }
    }

    @Test("byte-level BPE: tensors, hyper-parameters and tokenizer metadata round-trip",
          arguments: ["gpt-2", "llama-bpe", "qwen2", "gpt-4o", "smaug-bpe", "default"])
    func bytePairRoundTrip(pre: String) throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: pre, addBOS: pre == "llama-bpe"))
        let (output, _) = try ExportExpectations.export(model, in: dir)
        let back = try Self.convertBack(output, in: dir)
        Self.expectSameTensors(model, back, dtype: .f32)
        Self.expectSameMetadata(model, back, keys: Self.hyperParameterKeys + Self.tokenizerKeys)
    }

    @Test("SentencePiece: tokens, scores, types and special ids round-trip through tokenizer.model")
    func sentencePieceRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .sentencePiece)
        let (output, _) = try ExportExpectations.export(model, in: dir)
        #expect(FileManager.default.fileExists(atPath: output + "/tokenizer.model"))
        #expect(!FileManager.default.fileExists(atPath: output + "/tokenizer.json"))
        let config = try readJSONObject(output + "/tokenizer_config.json")
        #expect(config["tokenizer_class"] as? String == "LlamaTokenizer")
        #expect(config["add_bos_token"] as? Bool == true && config["bos_token"] as? String == "<s>")
        let back = try Self.convertBack(output, in: dir)
        Self.expectSameTensors(model, back, dtype: .f32)
        Self.expectSameMetadata(model, back, keys: Self.hyperParameterKeys + Self.tokenizerKeys)
    }

    @Test("BF16 export, tied embeddings and llama3 RoPE: converting back gives the rounded values and rope_freqs")
    func bf16TiedRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "qwen2", addBOS: false), tiedEmbeddings: true, llama3Rope: true)
        let (output, _) = try ExportExpectations.export(model, in: dir, dtype: .bf16)
        let back = try Self.convertBack(output, in: dir)
        Self.expectSameTensors(model, back, dtype: .bf16)
        Self.expectSameMetadata(model, back, keys: Self.hyperParameterKeys + Self.tokenizerKeys)
    }

    @Test("Qwen2 (biases) and Qwen3 (Q/K norms) convert back unchanged, with no row reordering",
          arguments: ["qwen2", "qwen3"])
    func qwenRoundTrip(architecture: String) throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "qwen2", addBOS: false), architecture: architecture)
        let (output, _) = try ExportExpectations.export(model, in: dir)
        let back = try Self.convertBack(output, in: dir)
        Self.expectSameTensors(model, back, dtype: .f32)
        let keys = Self.hyperParameterKeys.map { $0.replacingOccurrences(of: "llama.", with: "\(architecture).") }
        Self.expectSameMetadata(model, back, keys: keys + Self.tokenizerKeys + [GGUFKey.architecture])
    }

    @Test("a sharded export converts back like a single file")
    func shardedRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "gpt-2", addBOS: false))
        let (output, summary) = try ExportExpectations.export(model, in: dir, maxShardBytes: 30_000)
        #expect(summary.weightFiles.count > 1)
        let back = try Self.convertBack(output, in: dir)
        Self.expectSameTensors(model, back, dtype: .f32)
    }
}
