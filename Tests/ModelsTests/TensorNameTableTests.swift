import Foundation
import Models
import Testing

@Suite("Hugging Face → GGUF tensor names")
struct TensorNameTableTests {
    /// Every per-layer tensor a Llama-style checkpoint has (biases and q/k norms aside).
    static let commonLayerTensors: [(String, String)] = [
        ("input_layernorm.weight", "attn_norm.weight"),
        ("self_attn.q_proj.weight", "attn_q.weight"),
        ("self_attn.k_proj.weight", "attn_k.weight"),
        ("self_attn.v_proj.weight", "attn_v.weight"),
        ("self_attn.o_proj.weight", "attn_output.weight"),
        ("post_attention_layernorm.weight", "ffn_norm.weight"),
        ("mlp.gate_proj.weight", "ffn_gate.weight"),
        ("mlp.up_proj.weight", "ffn_up.weight"),
        ("mlp.down_proj.weight", "ffn_down.weight"),
    ]

    static let biases: [(String, String)] = [
        ("self_attn.q_proj.bias", "attn_q.bias"),
        ("self_attn.k_proj.bias", "attn_k.bias"),
        ("self_attn.v_proj.bias", "attn_v.bias"),
    ]

    static let norms: [(String, String)] = [
        ("self_attn.q_norm.weight", "attn_q_norm.weight"),
        ("self_attn.k_norm.weight", "attn_k_norm.weight"),
    ]

    static let globals: [(String, String)] = [
        ("model.embed_tokens.weight", "token_embd.weight"),
        ("model.norm.weight", "output_norm.weight"),
        ("lm_head.weight", "output.weight"),
    ]

    @Test("globals and every layer tensor of the first and last layer", arguments: Configs.names)
    func everyTensor(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        for (hf, gguf) in Self.globals {
            #expect(try arch.mapTensor(hf)?.ggufName == gguf)
        }
        let layers = arch.decoder.numHiddenLayers
        for layer in [0, layers - 1] {
            for (hf, gguf) in Self.commonLayerTensors {
                let mapped = try arch.mapTensor("model.layers.\(layer).\(hf)")
                #expect(mapped?.ggufName == "blk.\(layer).\(gguf)")
            }
        }
    }

    @Test("rotary_emb.inv_freq is dropped, not an error", arguments: Configs.names)
    func ignoredRotaryCache(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        #expect(try arch.mapTensor("model.layers.0.self_attn.rotary_emb.inv_freq") == nil)
        #expect(try arch.mapTensor("model.rotary_emb.inv_freq") == nil)
    }

    @Test("unknown names throw unexpectedTensor naming the tensor and architecture", arguments: Configs.names)
    func unknownNames(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        let layers = arch.decoder.numHiddenLayers
        let unknown = [
            "model.layers.0.mlp.experts.0.w1.weight",
            "model.layers.\(layers).self_attn.q_proj.weight", // one past the last layer
            "model.layers.-1.self_attn.q_proj.weight",
            "model.layers.x.self_attn.q_proj.weight",
            "model.layers.01.self_attn.q_proj.weight", // layer numbers are plain decimal
            "model.layers.0",
            "model.layers.",
            "transformer.wte.weight",
            "model.embed_tokens.bias",
            "",
        ]
        for tensor in unknown {
            #expect(throws: ModelsError.unexpectedTensor(name: tensor, architecture: arch.ggufArchitecture),
                    "\(tensor)") {
                _ = try arch.mapTensor(tensor)
            }
        }
    }

    @Test("llama, mistral and qwen2 reject q_norm / k_norm", arguments: ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"])
    func normsRejected(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        for (hf, _) in Self.norms {
            let tensor = "model.layers.1.\(hf)"
            #expect(throws: ModelsError.unexpectedTensor(name: tensor, architecture: arch.ggufArchitecture)) {
                _ = try arch.mapTensor(tensor)
            }
        }
    }

    @Test("qwen3 maps q_norm / k_norm and rejects attention biases")
    func qwen3Norms() throws {
        let arch = try Configs.load(Configs.qwen3)
        for (hf, gguf) in Self.norms {
            let mapped = try arch.mapTensor("model.layers.2.\(hf)")
            #expect(mapped == TensorMapping(ggufName: "blk.2.\(gguf)"))
        }
        for (hf, _) in Self.biases {
            let tensor = "model.layers.0.\(hf)"
            #expect(throws: ModelsError.unexpectedTensor(name: tensor, architecture: "qwen3")) {
                _ = try arch.mapTensor(tensor)
            }
        }
    }

    @Test("qwen2 maps Q/K/V biases without permutation, and rejects the o_proj bias its graph never reads")
    func qwen2Biases() throws {
        let arch = try Configs.load(Configs.qwen2)
        for (hf, gguf) in Self.biases {
            #expect(try arch.mapTensor("model.layers.0.\(hf)") == TensorMapping(ggufName: "blk.0.\(gguf)"))
        }
        let outputBias = "model.layers.0.self_attn.o_proj.bias"
        #expect(throws: ModelsError.unexpectedTensor(name: outputBias, architecture: "qwen2")) {
            _ = try arch.mapTensor(outputBias)
        }
    }

    @Test("llama permutes Q with the attention heads and K with the key/value heads",
          arguments: ["LlamaForCausalLM", "MistralForCausalLM"])
    func llamaPermutations(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        let heads = arch.decoder.numAttentionHeads
        let kvHeads = arch.decoder.keyValueHeads
        #expect(heads != kvHeads, "the fixture must be GQA to tell the two apart")
        for suffix in ["weight", "bias"] {
            let q = try arch.mapTensor("model.layers.0.self_attn.q_proj.\(suffix)")
            #expect(q == TensorMapping(ggufName: "blk.0.attn_q.\(suffix)", rowPermutation: RowPermutation(heads: heads)))
            let k = try arch.mapTensor("model.layers.0.self_attn.k_proj.\(suffix)")
            #expect(k == TensorMapping(ggufName: "blk.0.attn_k.\(suffix)", rowPermutation: RowPermutation(heads: kvHeads)))
        }
        for (hf, _) in Self.commonLayerTensors where !hf.contains("q_proj") && !hf.contains("k_proj") {
            #expect(try arch.mapTensor("model.layers.0.\(hf)")?.rowPermutation == nil, "\(hf)")
        }
        #expect(try arch.mapTensor("model.layers.0.self_attn.v_proj.bias")?.rowPermutation == nil)
    }

    @Test("qwen2 and qwen3 never permute (NeoX rotation)", arguments: ["Qwen2ForCausalLM", "Qwen3ForCausalLM"])
    func neoxNoPermutation(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        for (hf, _) in Self.commonLayerTensors {
            #expect(try arch.mapTensor("model.layers.0.\(hf)")?.rowPermutation == nil, "\(hf)")
        }
    }

    @Test("the shared tables hold exactly the names llama.cpp uses")
    func sharedTables() {
        let expected = Dictionary(uniqueKeysWithValues: Self.commonLayerTensors + Self.biases + Self.norms
            + [("self_attn.o_proj.bias", "attn_output.bias")])
        #expect(LlamaFamily.layerTensors == expected)
        #expect(LlamaFamily.globalTensors == Dictionary(uniqueKeysWithValues: Self.globals))
    }
}
