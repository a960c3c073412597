import Foundation
import SafeTensors
import TestSupport

/// Which checkpoint dtype each tensor gets.
enum DTypeChoice: Sendable {
    /// F32, F16 and BF16 in turn, in tensor order (the embedding is F32).
    case mixed
    case all(SafeTensorsDType)
}

/// What `lm_head.weight` holds.
enum HeadChoice: Sendable {
    case distinct
    case copyOfEmbedding
    case absent
}

/// A tiny generated Llama-family checkpoint: config.json, safetensors weights from a
/// deterministic generator and a minimal byte-level BPE tokenizer.
struct TinyModel {
    var architecture = "LlamaForCausalLM"
    var hidden = 32
    var intermediate = 48
    var layers = 2
    var heads = 4
    var kvHeads = 2
    var headDim: Int?
    var vocab = 40
    var tieWordEmbeddings: Bool? = false
    var head = HeadChoice.distinct
    var dtypes = DTypeChoice.mixed
    var ropeScaling: [String: Any]?
    var seed: UInt64 = 1

    static var llama: TinyModel { TinyModel() }

    static var qwen2: TinyModel {
        var m = TinyModel()
        m.architecture = "Qwen2ForCausalLM"
        return m
    }

    /// Qwen3 with a head_dim wider than hidden / heads, as the real models have.
    static var qwen3: TinyModel {
        var m = TinyModel()
        m.architecture = "Qwen3ForCausalLM"
        m.headDim = 16
        return m
    }

    static func named(_ architecture: String) -> TinyModel {
        switch architecture {
        case "Qwen2ForCausalLM": return .qwen2
        case "Qwen3ForCausalLM": return .qwen3
        default:
            var m = TinyModel()
            m.architecture = architecture
            return m
        }
    }

    var resolvedHeadDim: Int { headDim ?? hidden / heads }
    var qRows: Int { heads * resolvedHeadDim }
    var kvRows: Int { kvHeads * resolvedHeadDim }
    var ggufArchitecture: String {
        switch architecture {
        case "Qwen2ForCausalLM": return "qwen2"
        case "Qwen3ForCausalLM": return "qwen3"
        default: return "llama"
        }
    }

    /// Whether llama.cpp's graph for this architecture needs Q/K rows permuted.
    var permutesQK: Bool { ggufArchitecture == "llama" }

    /// Hugging Face names and shapes, in the order the checkpoint stores them.
    var specs: [(name: String, shape: [Int])] {
        var out: [(String, [Int])] = [("model.embed_tokens.weight", [vocab, hidden])]
        for layer in 0 ..< layers {
            let p = "model.layers.\(layer)."
            out.append((p + "input_layernorm.weight", [hidden]))
            out.append((p + "self_attn.q_proj.weight", [qRows, hidden]))
            out.append((p + "self_attn.k_proj.weight", [kvRows, hidden]))
            out.append((p + "self_attn.v_proj.weight", [kvRows, hidden]))
            if architecture == "Qwen2ForCausalLM" {
                out.append((p + "self_attn.q_proj.bias", [qRows]))
                out.append((p + "self_attn.k_proj.bias", [kvRows]))
                out.append((p + "self_attn.v_proj.bias", [kvRows]))
            }
            if architecture == "Qwen3ForCausalLM" {
                out.append((p + "self_attn.q_norm.weight", [resolvedHeadDim]))
                out.append((p + "self_attn.k_norm.weight", [resolvedHeadDim]))
            }
            out.append((p + "self_attn.o_proj.weight", [hidden, qRows]))
            out.append((p + "post_attention_layernorm.weight", [hidden]))
            out.append((p + "mlp.gate_proj.weight", [intermediate, hidden]))
            out.append((p + "mlp.up_proj.weight", [intermediate, hidden]))
            out.append((p + "mlp.down_proj.weight", [hidden, intermediate]))
        }
        out.append(("model.norm.weight", [hidden]))
        if head != .absent { out.append(("lm_head.weight", [vocab, hidden])) }
        return out
    }

    /// Values that probe rounding: F16 and BF16 ties both ways, an F16 subnormal, a value
    /// past F16's range, negative zero. They lead the embedding when it is stored as F32.
    static let probeValues: [Float] = [
        Float(bitPattern: 0x3F80_1000), Float(bitPattern: 0x3F80_3000), // F16 ties: to even down, up
        Float(bitPattern: 0x3F80_8000), Float(bitPattern: 0x3F81_8000), // BF16 ties: down, up
        Float(bitPattern: 0xBF80_8000), 1e-7, -3e-6, 70000, -0.0, 65504, 65520,
    ]

    func dtype(forTensorAt index: Int) -> SafeTensorsDType {
        switch dtypes {
        case .mixed: return [SafeTensorsDType.f32, .f16, .bf16][index % 3]
        case let .all(dtype): return dtype
        }
    }

    /// The checkpoint's tensors, deterministic for a given model and seed.
    func tensors() -> [SourceTensor] {
        var out: [SourceTensor] = []
        for (index, spec) in specs.enumerated() {
            let dtype = dtype(forTensorAt: index)
            if spec.name == "lm_head.weight", head == .copyOfEmbedding, let embedding = out.first {
                out.append(SourceTensor(name: spec.name, dtype: embedding.dtype, shape: embedding.shape,
                                        values: embedding.values))
                continue
            }
            var values = Self.randomValues(count: spec.shape.reduce(1, *), seed: seed ^ stableHash(spec.name))
            if spec.name == "model.embed_tokens.weight", dtype == .f32 {
                values.replaceSubrange(0 ..< Self.probeValues.count, with: Self.probeValues)
            }
            out.append(SourceTensor(name: spec.name, dtype: dtype, shape: spec.shape, values: values))
        }
        return out
    }

    /// Uniform in [-1, 1) with all 24 mantissa bits random, so every value needs rounding.
    static func randomValues(count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0 ..< count).map { _ in
            Float(Int32(truncatingIfNeeded: generator.next() >> 32)) / Float(1 << 31)
        }
    }

    var config: [String: Any] {
        var c: [String: Any] = [
            "architectures": [architecture],
            "model_type": ggufArchitecture,
            "hidden_size": hidden,
            "intermediate_size": intermediate,
            "num_hidden_layers": layers,
            "num_attention_heads": heads,
            "num_key_value_heads": kvHeads,
            "max_position_embeddings": 128,
            "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0,
            "vocab_size": vocab,
            "bos_token_id": 1,
            "eos_token_id": 2,
            "torch_dtype": "float32",
        ]
        if let tieWordEmbeddings { c["tie_word_embeddings"] = tieWordEmbeddings }
        if let headDim { c["head_dim"] = headDim }
        if let ropeScaling { c["rope_scaling"] = ropeScaling }
        return c
    }

    /// Writes config.json, the tokenizer and the weights (`tensors` defaults to ``tensors()``):
    /// one `model.safetensors`, or two shards plus `model.safetensors.index.json`.
    func write(to directory: String, tensors given: [SourceTensor]? = nil, sharded: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
        try writeJSON(config, to: path("config.json"))
        try TinyTokenizer.write(to: directory, vocab: vocab)
        let all = given ?? tensors()
        if sharded {
            let split = all.count / 2
            let shards = [("model-00001-of-00002.safetensors", Array(all[..<split])),
                          ("model-00002-of-00002.safetensors", Array(all[split...]))]
            var weightMap: [String: String] = [:]
            for (name, part) in shards {
                try Self.writeSafeTensors(part, to: path(name))
                for tensor in part { weightMap[tensor.name] = name }
            }
            let total = all.reduce(0) { $0 + $1.bytes.count }
            try writeJSON(["metadata": ["total_size": total], "weight_map": weightMap],
                          to: path("model.safetensors.index.json"))
        } else {
            try Self.writeSafeTensors(all, to: path("model.safetensors"))
        }
    }

    static func writeSafeTensors(_ tensors: [SourceTensor], to path: String) throws {
        var writer = SafeTensorsWriter()
        for tensor in tensors {
            writer.add(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, data: tensor.bytes)
        }
        try writer.write(to: path, metadata: ["format": "pt"])
    }

    /// The GGUF name llama.cpp gives a Hugging Face tensor (restated here, not taken from
    /// the Models module, so a wrong table there shows up as a failure).
    static func ggufName(_ name: String) -> String {
        let globals = ["model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
                       "lm_head.weight": "output.weight"]
        if let global = globals[name] { return global }
        let layer = name.split(separator: ".")[2]
        let suffix = name.split(separator: ".").dropFirst(3).joined(separator: ".")
        let table = [
            "input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
            "self_attn.q_proj.weight": "attn_q.weight", "self_attn.k_proj.weight": "attn_k.weight",
            "self_attn.v_proj.weight": "attn_v.weight", "self_attn.o_proj.weight": "attn_output.weight",
            "self_attn.q_proj.bias": "attn_q.bias", "self_attn.k_proj.bias": "attn_k.bias",
            "self_attn.v_proj.bias": "attn_v.bias",
            "self_attn.q_norm.weight": "attn_q_norm.weight", "self_attn.k_norm.weight": "attn_k_norm.weight",
            "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight",
            "mlp.down_proj.weight": "ffn_down.weight",
        ]
        return "blk.\(layer).\(table[suffix] ?? "?")"
    }

    /// The rotary heads a tensor's rows are permuted over, or `nil` when they are not.
    func permutationHeads(for name: String) -> Int? {
        guard permutesQK else { return nil }
        if name.contains("self_attn.q_proj.") { return heads }
        if name.contains("self_attn.k_proj.") { return kvHeads }
        return nil
    }

    /// The values a GGUF tensor must hold for `tensor`, rows reordered as llama.cpp expects.
    func expectedValues(_ tensor: SourceTensor) -> [Float] {
        guard let heads = permutationHeads(for: tensor.name) else { return tensor.values }
        let columns = tensor.shape.count > 1 ? tensor.columns : 1
        var out: [Float] = []
        out.reserveCapacity(tensor.values.count)
        for source in numpyPermutedRows(rows: tensor.shape[0], heads: heads) {
            out.append(contentsOf: tensor.values[(source * columns) ..< ((source + 1) * columns)])
        }
        return out
    }
}

/// FNV-1a of a tensor name: a stable per-tensor seed, so changing one tensor of a
/// fixture leaves the values of all others alone.
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}
