import Foundation
import GGUF
import Models
import Testing

@Suite("<arch>.* hyper-parameters")
struct HyperParameterTests {
    @Test("Llama (MHA): keys in llama.cpp's order with uint32 / float32 values")
    func llama() throws {
        let m = try Configs.load(Configs.llama).hyperParameters()
        #expect(m.keys == [
            "llama.block_count", "llama.context_length", "llama.embedding_length", "llama.feed_forward_length",
            "llama.attention.head_count", "llama.attention.head_count_kv", "llama.rope.freq_base",
            "llama.attention.layer_norm_rms_epsilon", "llama.vocab_size", "llama.rope.dimension_count",
        ])
        #expect(m["llama.block_count"] == .uint32(3))
        #expect(m["llama.context_length"] == .uint32(2048))
        #expect(m["llama.embedding_length"] == .uint32(64))
        #expect(m["llama.feed_forward_length"] == .uint32(172))
        #expect(m["llama.attention.head_count"] == .uint32(4))
        #expect(m["llama.attention.head_count_kv"] == .uint32(4))
        #expect(m["llama.rope.freq_base"] == .float32(10000))
        #expect(m["llama.attention.layer_norm_rms_epsilon"] == .float32(1e-5))
        #expect(m["llama.vocab_size"] == .uint32(512))
        #expect(m["llama.rope.dimension_count"] == .uint32(16))
        #expect(m["llama.attention.key_length"] == nil)
        #expect(m["llama.attention.value_length"] == nil)
    }

    @Test("GQA: head_count_kv is the key/value head count; dimension_count uses hidden / heads")
    func gqa() throws {
        let m = try Configs.load(Configs.llamaGQA).hyperParameters()
        #expect(m["llama.attention.head_count"] == .uint32(8))
        #expect(m["llama.attention.head_count_kv"] == .uint32(2))
        #expect(m["llama.rope.dimension_count"] == .uint32(8))
        #expect(m["llama.attention.key_length"] == nil)
    }

    @Test("every value has the GGUF type llama.cpp reads", arguments: Configs.names)
    func valueTypes(name: String) throws {
        let arch = try Configs.load(Configs.config(named: name))
        let floats: Set = ["rope.freq_base", "attention.layer_norm_rms_epsilon", "rope.scaling.factor"]
        for (key, value) in arch.hyperParameters() {
            #expect(key.hasPrefix(arch.ggufArchitecture + "."))
            let suffix = String(key.dropFirst(arch.ggufArchitecture.count + 1))
            #expect(value.type == (floats.contains(suffix) ? .float32 : .uint32), "\(key)")
        }
    }

    @Test("key_length / value_length appear only when head_dim × heads ≠ hidden_size")
    func keyLength() throws {
        let qwen3 = try Configs.load(Configs.qwen3).hyperParameters()
        #expect(qwen3["qwen3.attention.key_length"] == .uint32(32))
        #expect(qwen3["qwen3.attention.value_length"] == .uint32(32))
        #expect(qwen3["qwen3.rope.dimension_count"] == .uint32(32))

        // An explicit head_dim equal to the derived one changes nothing.
        let same = try Configs.load(Configs.with(Configs.qwen3, ["head_dim": 8])).hyperParameters()
        #expect(same["qwen3.attention.key_length"] == nil)
        #expect(same["qwen3.attention.value_length"] == nil)
    }

    @Test("absent optional keys: no context_length, freq_base or vocab_size; epsilon defaults to 1e-6")
    func absentKeys() throws {
        let config = Configs.with(Configs.llama, [
            "max_position_embeddings": NSNull(), "rope_theta": NSNull(), "vocab_size": NSNull(), "rms_norm_eps": NSNull(),
        ])
        let m = try Configs.load(config).hyperParameters()
        #expect(m["llama.context_length"] == nil)
        #expect(m["llama.rope.freq_base"] == nil)
        #expect(m["llama.vocab_size"] == nil)
        #expect(m["llama.attention.layer_norm_rms_epsilon"] == .float32(1e-6))
    }

    @Test("qwen2 and qwen3 prefix their keys with their own architecture name")
    func prefixes() throws {
        #expect(try Configs.load(Configs.qwen2).hyperParameters()["qwen2.rope.freq_base"] == .float32(1_000_000))
        #expect(try Configs.load(Configs.qwen3).hyperParameters()["qwen3.block_count"] == .uint32(3))
    }

    @Test("a context length beyond uint32 is clamped, not a crash")
    func hugeContext() throws {
        let m = try Configs.load(Configs.with(Configs.llama, ["max_position_embeddings": 1 << 40])).hyperParameters()
        #expect(m["llama.context_length"] == .uint32(.max))
    }
}
