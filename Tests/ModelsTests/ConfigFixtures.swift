import Foundation
import GGUF
import Models

/// `config.json` objects for the architectures under test, built as dictionaries so each
/// test can add, change or drop a key and see exactly what it changed.
enum Configs {
    static let path = "/models/tiny/config.json"

    /// A small MHA Llama: 4 heads of 16, no `num_key_value_heads`, no `head_dim`.
    static var llama: [String: Any] {
        [
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "hidden_size": 64,
            "intermediate_size": 172,
            "num_hidden_layers": 3,
            "num_attention_heads": 4,
            "max_position_embeddings": 2048,
            "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0,
            "vocab_size": 512,
            "tie_word_embeddings": false,
            "bos_token_id": 1,
            "eos_token_id": 2,
            "torch_dtype": "bfloat16",
        ]
    }

    /// A GQA Llama: 8 query heads sharing 2 key/value heads.
    static var llamaGQA: [String: Any] {
        var c = llama
        c["num_attention_heads"] = 8
        c["num_key_value_heads"] = 2
        return c
    }

    static var mistral: [String: Any] {
        var c = llamaGQA
        c["architectures"] = ["MistralForCausalLM"]
        c["model_type"] = "mistral"
        c["sliding_window"] = 4096
        return c
    }

    static var qwen2: [String: Any] {
        var c = llamaGQA
        c["architectures"] = ["Qwen2ForCausalLM"]
        c["model_type"] = "qwen2"
        c["rope_theta"] = 1_000_000.0
        c["rms_norm_eps"] = 1e-6
        c["tie_word_embeddings"] = true
        c["eos_token_id"] = 151_645
        return c
    }

    /// Qwen3 with an explicit `head_dim` wider than hidden / heads, as the real models have.
    static var qwen3: [String: Any] {
        var c = qwen2
        c["architectures"] = ["Qwen3ForCausalLM"]
        c["model_type"] = "qwen3"
        c["head_dim"] = 32
        c["attention_bias"] = false
        return c
    }

    /// One entry per architecture: the config and the llama.cpp architecture it becomes.
    static var all: [(name: String, config: [String: Any], gguf: String)] {
        [
            ("LlamaForCausalLM", llamaGQA, "llama"),
            ("MistralForCausalLM", mistral, "llama"),
            ("Qwen2ForCausalLM", qwen2, "qwen2"),
            ("Qwen3ForCausalLM", qwen3, "qwen3"),
        ]
    }

    /// The Hugging Face names of ``all``, for parameterised tests.
    static let names = ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"]

    static func data(_ object: [String: Any]) -> Data {
        // Sorted keys keep failures reproducible; the decoders do not care about order.
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    static func load(_ object: [String: Any]) throws -> ModelArchitecture {
        try ModelRegistry.load(configJSON: data(object), path: path)
    }

    static func load(json: String) throws -> ModelArchitecture {
        try ModelRegistry.load(configJSON: Data(json.utf8), path: path)
    }

    static func config(named name: String) -> [String: Any] {
        all.first { $0.name == name }?.config ?? [:]
    }

    /// `base` with `changes` applied; `NSNull()` as a value removes the key.
    static func with(_ base: [String: Any], _ changes: [String: Any]) -> [String: Any] {
        var c = base
        for (key, value) in changes {
            if value is NSNull { c.removeValue(forKey: key) } else { c[key] = value }
        }
        return c
    }
}

extension ModelsError {
    /// The `key` of an `invalidConfig` error, for matching without the reason text.
    var invalidConfigKey: String? {
        if case let .invalidConfig(_, key, _) = self { return key }
        return nil
    }
}
