import Foundation
import GGUF
import Models
import SafeTensors
import Testing
@testable import Export
import TestSupport

@Suite("Exported folder contents")
struct ExportedFolderTests {
    @Test("tensors get Hugging Face names and shapes, and dequantized, un-permuted values in the dtype",
          arguments: ExportDType.allCases)
    func tensorsMatchDequantizedOriginals(dtype: ExportDType) throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "gpt-2", addBOS: false))
        let (output, summary) = try ExportExpectations.export(model, in: dir, dtype: dtype)
        let file = try SafeTensorsFile(path: output + "/model.safetensors")
        #expect(file.metadata["format"] == "pt")
        #expect(file.tensors.count == model.tensors.count)
        #expect(summary.tensorCount == model.tensors.count)
        #expect(summary.weightFiles == ["model.safetensors"])
        for tensor in model.tensors {
            let name = try #require(ExportExpectations.huggingFaceName(tensor.name), "no expected name for \(tensor.name)")
            let info = try #require(file.info(named: name), "\(name) missing")
            #expect(info.dtype == dtype.safeTensorsDType)
            #expect(info.shape == tensor.dimensions.reversed(), "\(name)")
            let values = ExportExpectations.decode(try file.data(named: name), dtype: info.dtype)
            #expect(values == ExportExpectations.exportedValues(tensor, dtype: dtype), "\(name) values differ")
        }
    }

    @Test("llama attention biases are un-permuted like their weights; Qwen tensors keep their order",
          arguments: [("llama", true), ("qwen2", true), ("qwen3", false)])
    func biasesAndQwenLayouts(architecture: String, hasBias: Bool) throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "qwen2", addBOS: false), architecture: architecture,
                              attentionBias: hasBias)
        let (output, _) = try ExportExpectations.export(model, in: dir, dtype: .f32)
        let file = try SafeTensorsFile(path: output + "/model.safetensors")
        #expect(file.tensors.count == model.tensors.count)
        for tensor in model.tensors {
            let name = try #require(ExportExpectations.huggingFaceName(tensor.name), "no expected name for \(tensor.name)")
            let values = ExportExpectations.decode(try file.data(named: name), dtype: .f32)
            #expect(values == ExportExpectations.exportedValues(tensor, dtype: .f32, architecture: architecture), "\(name)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))
        let decoded = try ModelRegistry.load(configJSON: data, path: "config.json")
        #expect(decoded.ggufArchitecture == architecture)
        #expect(decoded.decoder.attentionBias == hasBias)
    }

    @Test("config.json decodes with the Models registry and carries the GGUF hyper-parameters")
    func configMatchesMetadata() throws {
        let dir = try TemporaryDirectory()
        let (output, _) = try ExportExpectations.export(TinyModel(vocabulary: .bytePairs(pre: "gpt-2", addBOS: false)), in: dir,
                                                        dtype: .bf16)
        let data = try Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))
        let architecture = try ModelRegistry.load(configJSON: data, path: "config.json")
        #expect(architecture.ggufArchitecture == "llama")
        let c = architecture.decoder
        #expect(c.hiddenSize == 64 && c.intermediateSize == 96 && c.numHiddenLayers == 2)
        #expect(c.numAttentionHeads == 4 && c.keyValueHeads == 2 && c.resolvedHeadDim == 16)
        #expect(c.maxPositionEmbeddings == 256 && c.vocabSize == TinyModel.bpeTokens.count)
        #expect(c.tieWordEmbeddings == false && c.bosTokenId == 1 && c.eosTokenId == 2)
        #expect(c.torchDtype == "bfloat16" && c.ropeScaling == nil)
        let text = String(decoding: data, as: UTF8.self)
        // float32 values print as the shortest decimal that reads back as the same float32.
        #expect(text.contains("\"rms_norm_eps\": 1e-05"))
        #expect(text.contains("\"rope_theta\": 500000.0"))
        let generation = try readJSONObject(output + "/generation_config.json")
        #expect(generation["bos_token_id"] as? Int == 1 && generation["eos_token_id"] as? Int == 2)
        #expect(generation["pad_token_id"] as? Int == 2)
    }

    @Test("tied embeddings give no lm_head; rope_freqs is dropped and becomes llama3 rope_scaling")
    func tiedEmbeddingsAndRopeFrequencies() throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "gpt-2", addBOS: false), tiedEmbeddings: true, llama3Rope: true)
        let (output, summary) = try ExportExpectations.export(model, in: dir)
        let file = try SafeTensorsFile(path: output + "/model.safetensors")
        #expect(file.info(named: "lm_head.weight") == nil)
        #expect(!file.tensors.contains { $0.name.contains("rope") })
        #expect(summary.droppedTensors == ["rope_freqs.weight"])
        let config = try readJSONObject(output + "/config.json")
        #expect(config["tie_word_embeddings"] as? Bool == true)
        let scaling = try #require(config["rope_scaling"] as? [String: Any])
        #expect(scaling["rope_type"] as? String == "llama3")
        #expect(scaling["factor"] as? Double == 8)
        #expect(scaling["original_max_position_embeddings"] as? Int == 8192)
    }

    @Test("tensors beyond the shard limit are split into numbered shards with an index")
    func sharding() throws {
        let dir = try TemporaryDirectory()
        let model = TinyModel(vocabulary: .bytePairs(pre: "gpt-2", addBOS: false))
        let (output, summary) = try ExportExpectations.export(model, in: dir, maxShardBytes: 40_000)
        #expect(summary.weightFiles.count > 1)
        #expect(summary.weightFiles.first == "model-00001-of-\(String(format: "%05d", summary.weightFiles.count)).safetensors")
        let index = try readJSONObject(output + "/model.safetensors.index.json")
        let map = try #require(index["weight_map"] as? [String: String])
        #expect(map.count == model.tensors.count)
        #expect(Set(map.values) == Set(summary.weightFiles))
        let total = (index["metadata"] as? [String: Any])?["total_size"] as? Int
        #expect(total == summary.tensorBytes)
        let checkpoint = try SafeTensorsCheckpoint(directory: output)
        #expect(checkpoint.tensors.count == model.tensors.count)
        for shard in summary.weightFiles {
            let tensors = try SafeTensorsFile(path: output + "/" + shard).tensors
            let size = tensors.reduce(0) { $0 + $1.byteCount }
            #expect(size <= 40_000 || tensors.count == 1, "\(shard) holds \(size) bytes")
        }
    }

    @Test("the folder holds exactly the expected files and no leftovers beside it")
    func folderLayout() throws {
        let dir = try TemporaryDirectory()
        let (_, summary) = try ExportExpectations.export(TinyModel(vocabulary: .bytePairs(pre: "gpt-2", addBOS: false)), in: dir)
        #expect(summary.files == ["config.json", "generation_config.json", "model.safetensors", "special_tokens_map.json",
                                  "tokenizer.json", "tokenizer_config.json"])
        #expect(dir.entries == ["hf", "tiny.gguf"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("hf")).sorted() == summary.files)
        // The folder gets the permissions any new folder gets here, not a private temporary folder's 0700.
        try FileManager.default.createDirectory(atPath: dir.file("plain"), withIntermediateDirectories: false)
        let mode = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }
        #expect(try mode(dir.file("hf")) == mode(dir.file("plain")))
    }
}
