import Foundation
import GGUF
import Quantization
import SafeTensors
import TestSupport

/// The shape and flavour of a small random model built in-test.
struct TinyModelSpec {
    var architecture = "llama"
    var hidden = 32
    var headDim = 8
    var vocab = 64
    var heads = [4, 4]
    var kvHeads = [2, 2]
    var ffn = [48, 48]
    /// Write head counts and FFN widths as per-layer arrays even when they are uniform.
    var perLayerArrays = false
    var ropeBase: Float = 10000
    var epsilon: Float = 1e-5
    var tiedEmbeddings = false
    /// Q/K/V biases (qwen2).
    var biases = false
    /// Per-head Q/K RMSNorm (qwen3).
    var queryKeyNorm = false
    /// Encoding of the 2-D weight matrices.
    var weightType: GGMLType = .f32
    /// Tensors left out of the file.
    var omitted: Set<String> = []
    var seed: UInt64 = 7

    var layers: Int { heads.count }
}

/// A random Llama-family model: weights in Hugging Face row order under GGUF names, a GGUF
/// writer (which applies llama.cpp's Q/K permutation for `llama`), and a plain scalar
/// forward pass in Double to check the engine against.
struct TinyModel {
    struct Tensor {
        let name: String
        /// NumPy order: `[rows, columns]` or `[count]`.
        let shape: [Int]
        var values: [Float]
    }

    let spec: TinyModelSpec
    private(set) var tensors: [Tensor] = []
    private var index: [String: Int] = [:]

    init(_ spec: TinyModelSpec) throws {
        self.spec = spec
        var random = SplitMix64(seed: spec.seed)
        func add(_ name: String, _ shape: [Int], scale: Float, offset: Float = 0) {
            let count = shape.reduce(1, *)
            index[name] = tensors.count
            tensors.append(Tensor(name: name, shape: shape,
                                  values: (0 ..< count).map { _ in offset + scale * random.symmetric() }))
        }
        let d = spec.hidden, hd = spec.headDim
        add("token_embd.weight", [spec.vocab, d], scale: 1)
        for layer in 0 ..< spec.layers {
            let p = "blk.\(layer)."
            let q = spec.heads[layer] * hd, kv = spec.kvHeads[layer] * hd, f = spec.ffn[layer]
            add(p + "attn_norm.weight", [d], scale: 0.2, offset: 1)
            add(p + "attn_q.weight", [q, d], scale: 0.3)
            add(p + "attn_k.weight", [kv, d], scale: 0.3)
            add(p + "attn_v.weight", [kv, d], scale: 0.3)
            if spec.biases {
                add(p + "attn_q.bias", [q], scale: 0.2)
                add(p + "attn_k.bias", [kv], scale: 0.2)
                add(p + "attn_v.bias", [kv], scale: 0.2)
            }
            if spec.queryKeyNorm {
                add(p + "attn_q_norm.weight", [hd], scale: 0.2, offset: 1)
                add(p + "attn_k_norm.weight", [hd], scale: 0.2, offset: 1)
            }
            add(p + "attn_output.weight", [d, q], scale: 0.2)
            add(p + "ffn_norm.weight", [d], scale: 0.2, offset: 1)
            add(p + "ffn_gate.weight", [f, d], scale: 0.3)
            add(p + "ffn_up.weight", [f, d], scale: 0.3)
            add(p + "ffn_down.weight", [d, f], scale: 0.2)
        }
        add("output_norm.weight", [d], scale: 0.2, offset: 1)
        if !spec.tiedEmbeddings { add("output.weight", [spec.vocab, d], scale: 0.3) }

        // The reference must see exactly the values the engine decodes.
        if spec.weightType == .bf16 {
            // Every tensor, so a BF16 Hugging Face folder holds the same values too.
            for i in tensors.indices {
                tensors[i].values = tensors[i].values.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) }
            }
        } else if spec.weightType != .f32 {
            let quantizer = try RowQuantizer(type: spec.weightType, threadCount: 1)
            for i in tensors.indices where tensors[i].shape.count == 2 {
                let columns = tensors[i].shape[1]
                let bytes = try quantizer.quantize(tensors[i].values, rowLength: columns)
                var decoded = [Float](repeating: 0, count: tensors[i].values.count)
                try bytes.withUnsafeBytes { source in
                    try decoded.withUnsafeMutableBufferPointer {
                        try quantizer.dequantize(source, rowLength: columns, into: $0)
                    }
                }
                tensors[i].values = decoded
            }
        }
    }

    func values(_ name: String) -> [Float]? { index[name].map { tensors[$0].values } }

    // MARK: - Writing

    var metadata: GGUFMetadata {
        let arch = spec.architecture
        var m = GGUFMetadata()
        m["general.architecture"] = .string(arch)
        m["\(arch).block_count"] = .uint32(UInt32(spec.layers))
        m["\(arch).context_length"] = .uint32(256)
        m["\(arch).embedding_length"] = .uint32(UInt32(spec.hidden))
        func perLayer(_ values: [Int]) -> GGUFValue {
            if !spec.perLayerArrays, Set(values).count == 1 { return .uint32(UInt32(values[0])) }
            return .int32s(values.map { Int32($0) })
        }
        m["\(arch).feed_forward_length"] = perLayer(spec.ffn)
        m["\(arch).attention.head_count"] = perLayer(spec.heads)
        m["\(arch).attention.head_count_kv"] = perLayer(spec.kvHeads)
        m["\(arch).attention.key_length"] = .uint32(UInt32(spec.headDim))
        m["\(arch).attention.value_length"] = .uint32(UInt32(spec.headDim))
        m["\(arch).rope.dimension_count"] = .uint32(UInt32(spec.headDim))
        m["\(arch).rope.freq_base"] = .float32(spec.ropeBase)
        m["\(arch).attention.layer_norm_rms_epsilon"] = .float32(spec.epsilon)
        return m
    }

    /// Writes the model as GGUF; 2-D weights in `spec.weightType`, vectors in F32.
    func writeGGUF(to path: String) throws {
        var descriptors: [GGUFTensorDescriptor] = []
        var payloads: [[UInt8]] = []
        for tensor in tensors where !spec.omitted.contains(tensor.name) {
            var values = tensor.values
            if spec.architecture == "llama", let heads = permutedHeads(tensor.name) {
                values = Self.permuteRows(values, rows: tensor.shape[0], heads: heads)
            }
            let type: GGMLType = tensor.shape.count == 2 ? spec.weightType : .f32
            let quantizer = try RowQuantizer(type: type, threadCount: 1)
            descriptors.append(GGUFTensorDescriptor(name: tensor.name, numpyShape: tensor.shape, type: type))
            payloads.append(try quantizer.quantize(values, rowLength: tensor.shape.last!))
        }
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: descriptors)
        for payload in payloads { try payload.withUnsafeBytes { try writer.writeTensorData($0) } }
        try writer.finish()
    }

    /// Writes the model as a Hugging Face folder (`config.json` + `model.safetensors`, rows in
    /// Hugging Face order) in F32, or BF16 when `spec.weightType` is `.bf16`.
    func writeHuggingFace(to folder: String) throws {
        let architectures = ["llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM"]
        let config: [String: Any] = [
            "architectures": [architectures[spec.architecture]!],
            "hidden_size": spec.hidden, "intermediate_size": spec.ffn[0], "num_hidden_layers": spec.layers,
            "num_attention_heads": spec.heads[0], "num_key_value_heads": spec.kvHeads[0], "head_dim": spec.headDim,
            "rms_norm_eps": Double(spec.epsilon), "rope_theta": Double(spec.ropeBase), "vocab_size": spec.vocab,
            "tie_word_embeddings": spec.tiedEmbeddings, "max_position_embeddings": 256,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder + "/config.json"))
        let bf16 = spec.weightType == .bf16
        var writer = SafeTensorsWriter()
        for tensor in tensors where !spec.omitted.contains(tensor.name) {
            var bytes: [UInt8] = []
            for value in tensor.values {
                let bits = value.bitPattern
                bytes += bf16 ? [UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
                    : (0 ..< 4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
            }
            writer.add(name: Self.huggingFaceName(tensor.name), dtype: bf16 ? .bf16 : .f32, shape: tensor.shape,
                       data: bytes)
        }
        try writer.write(to: folder + "/model.safetensors")
    }

    /// The Hugging Face name of a GGUF tensor name.
    static func huggingFaceName(_ name: String) -> String {
        let globals = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
                       "output.weight": "lm_head.weight"]
        if let global = globals[name] { return global }
        let parts = name.split(separator: ".", maxSplits: 2).map(String.init)  // blk, N, rest
        let layer = [
            "attn_norm.weight": "input_layernorm.weight", "ffn_norm.weight": "post_attention_layernorm.weight",
            "attn_q.weight": "self_attn.q_proj.weight", "attn_k.weight": "self_attn.k_proj.weight",
            "attn_v.weight": "self_attn.v_proj.weight", "attn_output.weight": "self_attn.o_proj.weight",
            "attn_q.bias": "self_attn.q_proj.bias", "attn_k.bias": "self_attn.k_proj.bias",
            "attn_v.bias": "self_attn.v_proj.bias", "attn_q_norm.weight": "self_attn.q_norm.weight",
            "attn_k_norm.weight": "self_attn.k_norm.weight", "ffn_gate.weight": "mlp.gate_proj.weight",
            "ffn_up.weight": "mlp.up_proj.weight", "ffn_down.weight": "mlp.down_proj.weight",
        ]
        return "model.layers.\(parts[1]).\(layer[parts[2]]!)"
    }

    /// Q and K rows (and biases) are permuted for llama's adjacent-pair RoPE.
    private func permutedHeads(_ name: String) -> Int? {
        guard let layer = Int(name.split(separator: ".")[1]) else { return nil }
        if name.contains("attn_q.") { return spec.heads[layer] }
        if name.contains("attn_k.") { return spec.kvHeads[layer] }
        return nil
    }

    /// llama.cpp's converter permutation: within each head, output row `2i` is source row `i`
    /// of the first half and `2i+1` is row `i` of the second half.
    static func permuteRows(_ values: [Float], rows: Int, heads: Int) -> [Float] {
        let columns = values.count / rows
        let perHead = rows / heads, half = perHead / 2
        var result = values
        for row in 0 ..< rows {
            let head = row / perHead, within = row % perHead
            let source = head * perHead + (within % 2) * half + within / 2
            for c in 0 ..< columns { result[row * columns + c] = values[source * columns + c] }
        }
        return result
    }

    // MARK: - Reference forward pass

    /// Logits of every position of `tokens`, computed naively in Double with half-split RoPE
    /// on the unpermuted weights.
    func referenceLogits(_ tokens: [Int32]) -> [[Float]] {
        let d = spec.hidden, hd = spec.headDim
        func weight(_ name: String) -> [Double] { values(name)!.map(Double.init) }
        func matvec(_ w: [Double], _ x: [Double], rows: Int) -> [Double] {
            let columns = x.count
            return (0 ..< rows).map { r in (0 ..< columns).reduce(0.0) { $0 + w[r * columns + $1] * x[$1] } }
        }
        func rmsNorm(_ x: [Double], _ w: [Double]) -> [Double] {
            let mean = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
            let scale = 1 / (mean + Double(spec.epsilon)).squareRoot()
            return zip(x, w).map { $0 * scale * $1 }
        }
        func rope(_ head: inout ArraySlice<Double>, position: Int) {
            let half = hd / 2, start = head.startIndex
            for i in 0 ..< half {
                let angle = Double(position) * pow(Double(spec.ropeBase), -2 * Double(i) / Double(hd))
                let a = head[start + i], b = head[start + i + half]
                head[start + i] = a * cos(angle) - b * sin(angle)
                head[start + i + half] = a * sin(angle) + b * cos(angle)
            }
        }
        let embedding = weight("token_embd.weight")
        var x = tokens.map { Array(embedding[Int($0) * d ..< (Int($0) + 1) * d]) }
        for layer in 0 ..< spec.layers {
            let p = "blk.\(layer)."
            let heads = spec.heads[layer], kvHeads = spec.kvHeads[layer], group = heads / kvHeads
            var queries: [[Double]] = [], keys: [[Double]] = [], vals: [[Double]] = []
            for (position, row) in x.enumerated() {
                let h = rmsNorm(row, weight(p + "attn_norm.weight"))
                var q = matvec(weight(p + "attn_q.weight"), h, rows: heads * hd)
                var k = matvec(weight(p + "attn_k.weight"), h, rows: kvHeads * hd)
                var v = matvec(weight(p + "attn_v.weight"), h, rows: kvHeads * hd)
                if spec.biases {
                    q = zip(q, weight(p + "attn_q.bias")).map(+)
                    k = zip(k, weight(p + "attn_k.bias")).map(+)
                    v = zip(v, weight(p + "attn_v.bias")).map(+)
                }
                for head in 0 ..< heads {
                    var slice = q[head * hd ..< (head + 1) * hd]
                    if spec.queryKeyNorm { slice = ArraySlice(rmsNorm(Array(slice), weight(p + "attn_q_norm.weight"))) }
                    rope(&slice, position: position)
                    q.replaceSubrange(head * hd ..< (head + 1) * hd, with: slice)
                }
                for head in 0 ..< kvHeads {
                    var slice = k[head * hd ..< (head + 1) * hd]
                    if spec.queryKeyNorm { slice = ArraySlice(rmsNorm(Array(slice), weight(p + "attn_k_norm.weight"))) }
                    rope(&slice, position: position)
                    k.replaceSubrange(head * hd ..< (head + 1) * hd, with: slice)
                }
                queries.append(q)
                keys.append(k)
                vals.append(v)
            }
            for position in x.indices {
                var attended = [Double](repeating: 0, count: heads * hd)
                for head in 0 ..< heads {
                    let kv = head / group
                    let scores = (0 ... position).map { j in
                        (0 ..< hd).reduce(0.0) { $0 + queries[position][head * hd + $1] * keys[j][kv * hd + $1] }
                            / Double(hd).squareRoot()
                    }
                    let peak = scores.max()!
                    let exps = scores.map { exp($0 - peak) }
                    let total = exps.reduce(0, +)
                    for j in 0 ... position {
                        for c in 0 ..< hd { attended[head * hd + c] += exps[j] / total * vals[j][kv * hd + c] }
                    }
                }
                let projected = matvec(weight(p + "attn_output.weight"), attended, rows: d)
                x[position] = zip(x[position], projected).map(+)
                let h = rmsNorm(x[position], weight(p + "ffn_norm.weight"))
                let f = spec.ffn[layer]
                let gate = matvec(weight(p + "ffn_gate.weight"), h, rows: f)
                let up = matvec(weight(p + "ffn_up.weight"), h, rows: f)
                let inner = zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
                x[position] = zip(x[position], matvec(weight(p + "ffn_down.weight"), inner, rows: d)).map(+)
            }
        }
        let head = weight(spec.tiedEmbeddings ? "token_embd.weight" : "output.weight")
        return x.map { row in
            matvec(head, rmsNorm(row, weight("output_norm.weight")), rows: spec.vocab).map { Float($0) }
        }
    }
}
