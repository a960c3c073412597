import Conversion
import Foundation
import GGUF
import SafeTensors
import Testing
import TestSupport

@Suite("converted file metadata")
struct ConvertedMetadataTests {
    @Test("metadata: general.*, llama.* hyper-parameters, file type and tokenizer",
          arguments: [(FileType.f32, UInt32(0)), (.f16, 1), (.bf16, 32), (.auto, 1)])
    func metadata(fileType: FileType, llamaFileType: UInt32) throws {
        let scratch = try TemporaryDirectory()
        let (file, _) = try convertFixture(.llama, in: scratch, name: "tiny-llama", type: fileType)
        let m = file.metadata
        #expect(file.version == 3)
        #expect(m["general.architecture"] == .string("llama"))
        #expect(m["general.type"] == .string("model"))
        #expect(m["general.name"] == .string("tiny-llama"))
        #expect(m["general.file_type"] == .uint32(llamaFileType))
        #expect(m["general.quantization_version"] == nil, "float files carry no quantization version")
        #expect(m["llama.block_count"] == .uint32(2))
        #expect(m["llama.context_length"] == .uint32(128))
        #expect(m["llama.embedding_length"] == .uint32(32))
        #expect(m["llama.feed_forward_length"] == .uint32(48))
        #expect(m["llama.attention.head_count"] == .uint32(4))
        #expect(m["llama.attention.head_count_kv"] == .uint32(2))
        #expect(m["llama.rope.freq_base"] == .float32(10000))
        #expect(m["llama.attention.layer_norm_rms_epsilon"] == .float32(1e-5))
        #expect(m["llama.vocab_size"] == .uint32(40))
        #expect(m["llama.rope.dimension_count"] == .uint32(8))
        #expect(m["tokenizer.ggml.model"] == .string("gpt2"))
        #expect(m["tokenizer.ggml.tokens"]?.arrayValue?.compactMap(\.stringValue) == TinyTokenizer.tokens(vocab: 40))
        #expect(m["tokenizer.ggml.bos_token_id"]?.intValue == 1)
        #expect(m["tokenizer.ggml.eos_token_id"]?.intValue == 2)
        #expect(m["tokenizer.ggml.merges"]?.arrayValue?.first == .string("a b"))
        // general.* first, then the architecture's keys, then the tokenizer's.
        let keys = m.keys
        let firstArch = try #require(keys.firstIndex { $0.hasPrefix("llama.") })
        let firstTokenizer = try #require(keys.firstIndex { $0.hasPrefix("tokenizer.") })
        #expect(keys.prefix(3) == ["general.architecture", "general.type", "general.name"])
        #expect(firstArch < firstTokenizer)
        #expect(keys[firstTokenizer...].allSatisfy { $0.hasPrefix("tokenizer.") })
    }

    @Test("auto reports the matrices' own type as general.file_type",
          arguments: [(SafeTensorsDType.f32, UInt32(0)), (.f16, 1), (.bf16, 32)])
    func autoFileType(dtype: SafeTensorsDType, llamaFileType: UInt32) throws {
        var model = TinyModel.llama
        model.dtypes = .all(dtype)
        let scratch = try TemporaryDirectory()
        let (file, _) = try convertFixture(model, in: scratch, type: .auto)
        #expect(file.metadata["general.file_type"] == .uint32(llamaFileType))
    }

    @Test("qwen3 writes key_length / value_length for its wide heads")
    func qwen3Metadata() throws {
        let scratch = try TemporaryDirectory()
        let (file, _) = try convertFixture(.qwen3, in: scratch)
        #expect(file.metadata["general.architecture"] == .string("qwen3"))
        #expect(file.metadata["qwen3.attention.key_length"] == .uint32(16))
        #expect(file.metadata["qwen3.attention.value_length"] == .uint32(16))
        #expect(file.metadata["qwen3.rope.dimension_count"] == .uint32(16))
        #expect(file.tensor(named: "blk.0.attn_q_norm.weight")?.dimensions == [16])
        #expect(file.tensor(named: "blk.0.attn_q.weight")?.dimensions == [32, 64])
    }

    /// Expected factors from llama.cpp's formula in NumPy for theta 10000, head_dim 16,
    /// factor 4, low 1, high 4, original context 64.
    @Test("llama3 rope scaling adds an F32 rope_freqs.weight right after token_embd")
    func ropeFreqs() throws {
        var model = TinyModel.llama
        model.heads = 2
        model.kvHeads = 1
        model.ropeScaling = ["rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                             "original_max_position_embeddings": 64]
        let scratch = try TemporaryDirectory()
        let (file, _) = try convertFixture(model, in: scratch, type: .bf16)
        #expect(file.tensors.map(\.name).prefix(2) == ["token_embd.weight", "rope_freqs.weight"])
        let info = try #require(file.tensor(named: "rope_freqs.weight"))
        #expect(info.type == .f32)
        #expect(info.dimensions == [8])
        let expected: [Float] = [1, 1.2418235540390015, 3.9269907474517822, 4, 4, 4, 4, 4]
        let values = try #require(file.values(of: "rope_freqs.weight"))
        for (value, reference) in zip(values, expected) {
            #expect(abs(value - reference) <= 1e-6 * reference)
        }
        #expect(file.metadata["llama.rope.scaling.type"] == nil)
    }

    @Test("add_prefix_space becomes tokenizer.ggml.add_space_prefix for llama only, as llama.cpp's converters do",
          arguments: ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"])
    func tokenizerRecipe(architecture: String) throws {
        let scratch = try TemporaryDirectory()
        let model = TinyModel.named(architecture)
        try model.write(to: scratch.file("m"))
        let configPath = scratch.file("m") + "/tokenizer_config.json"
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath)))
            as? [String: Any])
        config["add_prefix_space"] = false
        try writeJSON(config, to: configPath)
        try convert(scratch.file("m"), to: scratch.file("m.gguf"))
        let metadata = try GGUFFile(path: scratch.file("m.gguf")).metadata
        #expect(metadata["tokenizer.ggml.model"] == .string("gpt2"))
        #expect(metadata["tokenizer.ggml.add_space_prefix"] == (model.ggufArchitecture == "llama" ? .bool(false) : nil))
    }
}
