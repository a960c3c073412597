import Foundation
import GGUF
import Models
import Testing

@Suite("per-layer head counts in config.json")
struct PerLayerHeadCountTests {
    static func config(heads: [Int]?, kvHeads: [Int]?, headDim: Int? = 16) -> Data {
        var object: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5,
        ]
        if let headDim { object["head_dim"] = headDim }
        if let heads { object["num_attention_heads_per_layer"] = heads }
        if let kvHeads { object["num_key_value_heads_per_layer"] = kvHeads }
        return try! JSONSerialization.data(withJSONObject: object)
    }

    @Test("counts that differ between layers convert to deci, with arrays llama.cpp reads per layer")
    func differing() throws {
        let architecture = try ModelRegistry.load(configJSON: Self.config(heads: [4, 2, 4], kvHeads: [2, 1, 2]),
                                                  path: "config.json")
        #expect(architecture.ggufArchitecture == "deci")
        let metadata = architecture.hyperParameters()
        #expect(metadata["deci.attention.head_count"] == .int32s([4, 2, 4]))
        #expect(metadata["deci.attention.head_count_kv"] == .int32s([2, 1, 2]))
        #expect(metadata["deci.attention.key_length"] == .uint32(16))
        let hyper = try ModelHyperParameters(architecture: architecture, source: "config.json")
        #expect(hyper.headCounts == [4, 2, 4])
        #expect(hyper.queryWidth(layer: 1) == 32)
        let mapping = try architecture.mapTensor("model.layers.1.self_attn.k_proj.weight")
        #expect(mapping?.rowPermutation == RowPermutation(heads: 1))
    }

    @Test("equal per-layer counts stay llama")
    func equal() throws {
        let architecture = try ModelRegistry.load(configJSON: Self.config(heads: [2, 2, 2], kvHeads: [1, 1, 1]),
                                                  path: "config.json")
        #expect(architecture.ggufArchitecture == "llama")
        #expect(architecture.hyperParameters()["llama.attention.head_count"] == .uint32(2))
    }

    @Test("wrong lengths, counts that do not divide and a missing head_dim are refused")
    func refused() {
        for data in [Self.config(heads: [4, 4], kvHeads: nil), Self.config(heads: [4, 3, 4], kvHeads: [2, 2, 2]),
                     Self.config(heads: [4, 0, 4], kvHeads: [2, 1, 2]),
                     Self.config(heads: [4, 2, 4], kvHeads: [2, 1, 2], headDim: nil)] {
            #expect(throws: ModelsError.self) { try ModelRegistry.load(configJSON: data, path: "config.json") }
        }
    }
}
