import Foundation
import GGUF
import Models
import Testing

@Suite("config.json decoding")
struct ConfigDecodingTests {
    @Test("each supported architecture is picked from `architectures` with its llama.cpp name",
          arguments: Configs.names)
    func picksArchitecture(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        let expected = Configs.all.first { $0.name == name }!.gguf
        #expect(arch.ggufArchitecture == expected)
        #expect(arch.descriptor.huggingFaceNames.contains(name))
        #expect(arch.decoder.architectures == [name])
    }

    @Test("LlamaForCausalLM: every field is read")
    func llamaFields() throws {
        let c = try Configs.load(Configs.llama).decoder
        #expect(c.modelType == "llama")
        #expect(c.hiddenSize == 64)
        #expect(c.intermediateSize == 172)
        #expect(c.numHiddenLayers == 3)
        #expect(c.numAttentionHeads == 4)
        #expect(c.maxPositionEmbeddings == 2048)
        #expect(c.rmsNormEps == 1e-5)
        #expect(c.ropeTheta == 10000)
        #expect(c.vocabSize == 512)
        #expect(c.tieWordEmbeddings == false)
        #expect(c.bosTokenId == 1)
        #expect(c.eosTokenId == 2)
        #expect(c.torchDtype == "bfloat16")
        #expect(c.ropeScaling == nil)
    }

    @Test("no num_key_value_heads means multi-head attention; head_dim is hidden / heads")
    func defaults() throws {
        let c = try Configs.load(Configs.llama).decoder
        #expect(c.numKeyValueHeads == nil)
        #expect(c.keyValueHeads == 4)
        #expect(c.headDim == nil)
        #expect(c.resolvedHeadDim == 16)
    }

    @Test("optional keys may be absent or null")
    func optionalKeys() throws {
        let minimal: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": NSNull(),
            "rope_scaling": NSNull(), "vocab_size": NSNull(),
        ]
        let c = try Configs.load(minimal).decoder
        #expect(c.keyValueHeads == 2)
        #expect(c.ropeScaling == nil)
        #expect(c.vocabSize == nil)
        #expect(c.maxPositionEmbeddings == nil)
        #expect(c.rmsNormEps == nil)
        #expect(c.tieWordEmbeddings == nil)
        #expect(c.eosTokenId == nil)
    }

    @Test("GQA: num_key_value_heads is kept and head_dim still derived")
    func gqa() throws {
        let c = try Configs.load(Configs.llamaGQA).decoder
        #expect(c.numAttentionHeads == 8)
        #expect(c.keyValueHeads == 2)
        #expect(c.resolvedHeadDim == 8)
    }

    @Test("MistralForCausalLM reads sliding_window and converts as llama")
    func mistral() throws {
        let arch = try Configs.load(Configs.mistral)
        #expect(arch.ggufArchitecture == "llama")
        #expect(arch.decoder.slidingWindow == 4096)
        // Mistral v0.2+ configs set it to null; that must not fail.
        let nullWindow = try Configs.load(Configs.with(Configs.mistral, ["sliding_window": NSNull()]))
        #expect(nullWindow.decoder.slidingWindow == nil)
    }

    @Test("Qwen3ForCausalLM: an explicit head_dim wins over hidden / heads")
    func qwen3HeadDim() throws {
        let c = try Configs.load(Configs.qwen3).decoder
        #expect(c.headDim == 32)
        #expect(c.resolvedHeadDim == 32)
        #expect(c.hiddenSize / c.numAttentionHeads == 8)
        #expect(c.attentionBias == false)
    }

    @Test("eos_token_id may be a list: the first id is the primary one")
    func eosList() throws {
        let c = try Configs.load(Configs.with(Configs.llama, ["eos_token_id": [128_001, 128_008, 128_009]])).decoder
        #expect(c.eosTokenId == 128_001)
        let empty = try Configs.load(Configs.with(Configs.llama, ["eos_token_id": [Int]()])).decoder
        #expect(empty.eosTokenId == nil)
    }

    @Test("a first-class architecture later in the list is still found")
    func laterArchitectureName() throws {
        let arch = try Configs.load(Configs.with(Configs.llama, ["architectures": ["SomethingElse", "LlamaForCausalLM"]]))
        #expect(arch.ggufArchitecture == "llama")
    }
}

@Suite("rope_scaling")
struct RopeScalingTests {
    private func scaling(_ object: [String: Any]) throws -> RopeScaling? {
        try Configs.load(Configs.with(Configs.llama, ["rope_scaling": object])).decoder.ropeScaling
    }

    @Test("the old `type` key and the new `rope_type` key both name the scaling")
    func typeKeys() throws {
        #expect(try scaling(["type": "linear", "factor": 2.0])?.type == "linear")
        #expect(try scaling(["rope_type": "yarn", "factor": 4.0])?.type == "yarn")
        // Transformers writes both during the transition; `rope_type` is the current one.
        #expect(try scaling(["type": "linear", "rope_type": "llama3", "factor": 8.0])?.type == "llama3")
        #expect(try scaling(["factor": 2.0])?.type == "default")
    }

    @Test("all numeric fields are read")
    func fields() throws {
        let s = try #require(try scaling([
            "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
            "original_max_position_embeddings": 8192, "beta_fast": 32.0, "beta_slow": 1.0,
        ]))
        #expect(s.factor == 8)
        #expect(s.lowFreqFactor == 1)
        #expect(s.highFreqFactor == 4)
        #expect(s.originalMaxPositionEmbeddings == 8192)
        #expect(s.betaFast == 32)
        #expect(s.betaSlow == 1)
    }

    @Test("encoding writes `rope_type` and decodes back to the same value")
    func roundTrip() throws {
        let original = RopeScaling(type: "yarn", factor: 4, originalMaxPositionEmbeddings: 32768)
        let data = try JSONEncoder().encode(original)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["rope_type"] as? String == "yarn")
        #expect(object["type"] == nil)
        #expect(try JSONDecoder().decode(RopeScaling.self, from: data) == original)
    }

    @Test("linear scaling writes rope.scaling.type and factor")
    func linear() throws {
        let arch = try Configs.load(Configs.with(Configs.llama, ["rope_scaling": ["type": "linear", "factor": 2.0]]))
        let m = arch.hyperParameters()
        #expect(m["llama.rope.scaling.type"] == .string("linear"))
        #expect(m["llama.rope.scaling.factor"] == .float32(2))
        #expect(m["llama.rope.scaling.original_context_length"] == nil)
        #expect(arch.generatedTensors().isEmpty)
    }

    @Test("yarn scaling also writes the original context length")
    func yarn() throws {
        let arch = try Configs.load(Configs.with(Configs.qwen2, ["rope_scaling": [
            "rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768,
        ]]))
        let m = arch.hyperParameters()
        #expect(m["qwen2.rope.scaling.type"] == .string("yarn"))
        #expect(m["qwen2.rope.scaling.factor"] == .float32(4))
        #expect(m["qwen2.rope.scaling.original_context_length"] == .uint32(32768))
        #expect(arch.generatedTensors().isEmpty)
    }

    @Test("scaling without a factor, or of an unhandled kind, writes no scaling keys")
    func noKeys() throws {
        for object: [String: Any] in [["type": "linear"], ["rope_type": "dynamic", "factor": 2.0], ["rope_type": "default"]] {
            let m = try Configs.load(Configs.with(Configs.llama, ["rope_scaling": object])).hyperParameters()
            #expect(!m.keys.contains { $0.hasPrefix("llama.rope.scaling.") }, "\(object)")
        }
    }

    /// Llama 3.1 8B's settings; the expected values were computed with llama.cpp's
    /// converter formula in NumPy (float64, then rounded to float32).
    @Test("llama3 scaling becomes a rope_freqs.weight tensor, not metadata")
    func llama3() throws {
        let config = Configs.with(Configs.llama, [
            "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8, "rope_theta": 500_000.0,
            "rope_scaling": [
                "rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                "original_max_position_embeddings": 8192,
            ],
        ])
        let arch = try Configs.load(config)
        #expect(!arch.hyperParameters().keys.contains { $0.hasPrefix("llama.rope.scaling.") })
        let generated = arch.generatedTensors()
        #expect(generated.count == 1)
        let tensor = try #require(generated.first)
        #expect(tensor.ggufName == "rope_freqs.weight")
        #expect(tensor.dimensions == [64])
        #expect(tensor.values.count == 64)
        #expect(tensor.values[0 ..< 29].allSatisfy { $0 == 1 })
        #expect(tensor.values[35...].allSatisfy { $0 == 8 })
        let blended: [Float] = [1.2074838876724243, 1.5534145832061768, 2.026313304901123,
                                2.6945297718048096, 3.6842525005340576, 5.257326602935791]
        for (i, expected) in blended.enumerated() {
            #expect(abs(tensor.values[29 + i] - expected) <= 1e-6 * expected, "factor \(29 + i)")
        }
    }

    @Test("llama3 defaults: factor 8, low 1, high 4, original 8192, theta 10000")
    func llama3Defaults() throws {
        let arch = try Configs.load(Configs.with(Configs.llama, [
            "hidden_size": 64, "num_attention_heads": 4, "rope_theta": NSNull(),
            "rope_scaling": ["rope_type": "llama3"],
        ]))
        let values = try #require(arch.generatedTensors().first).values
        #expect(values.count == 8)
        #expect(values.first == 1)
        #expect(values.last == 8)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 }, "factors grow with wavelength")
    }
}
