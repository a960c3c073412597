import Foundation
import GGUF

/// The tensor-name table, tensor shapes and hyper-parameter keys common to Llama-style decoders:
/// the defaults behind ``ArchitectureDescriptor``.
///
/// Descriptors pick what they share from here through their ``ArchitectureFeatures``; only
/// what differs lives in their own files.
public enum LlamaFamily {
    /// Per-layer tensors of every Llama-style feature: Hugging Face suffix after `model.layers.N.`
    /// → GGUF suffix after `blk.N.` (each descriptor keeps those its features use).
    public static let layerTensors: [String: String] = [
        "input_layernorm.weight": "attn_norm.weight",
        "self_attn.q_proj.weight": "attn_q.weight",
        "self_attn.k_proj.weight": "attn_k.weight",
        "self_attn.v_proj.weight": "attn_v.weight",
        "self_attn.o_proj.weight": "attn_output.weight",
        "self_attn.q_proj.bias": "attn_q.bias",
        "self_attn.k_proj.bias": "attn_k.bias",
        "self_attn.v_proj.bias": "attn_v.bias",
        "self_attn.o_proj.bias": "attn_output.bias",
        "self_attn.q_norm.weight": "attn_q_norm.weight",
        "self_attn.k_norm.weight": "attn_k_norm.weight",
        "post_attention_layernorm.weight": "ffn_norm.weight",
        "mlp.gate_proj.weight": "ffn_gate.weight",
        "mlp.up_proj.weight": "ffn_up.weight",
        "mlp.down_proj.weight": "ffn_down.weight",
    ]

    /// Whole-model tensors.
    public static let globalTensors: [String: String] = [
        "model.embed_tokens.weight": "token_embd.weight",
        "model.norm.weight": "output_norm.weight",
        "lm_head.weight": "output.weight",
    ]

    /// The GGUF name of llama3's RoPE frequency factors, which the converter computes.
    public static let ropeFrequenciesName = "rope_freqs.weight"

    /// GGUF per-layer suffixes that only architectures with the given feature have.
    static let featureTensors: [(feature: ArchitectureFeatures, suffixes: Set<String>)] = [
        (.attentionBiases, ["attn_q.bias", "attn_k.bias", "attn_v.bias"]),
        (.outputProjectionBias, ["attn_output.bias"]),
        (.queryKeyNorms, ["attn_q_norm.weight", "attn_k_norm.weight"]),
    ]

    /// Whether an architecture with `features` has the per-layer tensor with GGUF suffix `ggufSuffix`.
    static func isUsed(ggufSuffix: String, features: ArchitectureFeatures) -> Bool {
        featureTensors.allSatisfy { !$0.suffixes.contains(ggufSuffix) || features.contains($0.feature) }
    }

    /// Tensors that carry no weights (rotary caches some exporters save).
    static func isIgnored(_ name: String) -> Bool {
        name.hasSuffix("rotary_emb.inv_freq")
    }

    /// Splits `<prefix>N.<suffix>` into the layer and the suffix. Only plain decimal indices
    /// count: "+1" or "01" would name the same layer twice.
    static func splitLayer(_ name: String, prefix: String) -> (layer: Int, suffix: String)? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.utf8.dropFirst(prefix.utf8.count)
        guard let dot = rest.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let digits = rest[rest.startIndex ..< dot]
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              digits.count == 1 || digits.first != UInt8(ascii: "0"),
              let layer = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        return (layer, String(decoding: rest[rest.index(after: dot)...], as: UTF8.self))
    }

    /// The tensors of a Llama-style graph with `features`, in llama.cpp's order, with their
    /// GGUF shapes (row length first) as llama.cpp's loader checks them.
    static func expectedTensors(_ hyper: ModelHyperParameters, vocabularySize vocab: Int,
                                features: ArchitectureFeatures) -> [ExpectedTensor] {
        let width = hyper.embeddingLength
        var tensors = [
            ExpectedTensor(ggufName: "token_embd.weight", dimensions: [width, vocab], isRequired: true),
            ExpectedTensor(ggufName: "output_norm.weight", dimensions: [width], isRequired: true),
            ExpectedTensor(ggufName: "output.weight", dimensions: [width, vocab], isRequired: false),
        ]
        if features.contains(.ropeFrequencyFactors) {
            tensors.append(ExpectedTensor(ggufName: ropeFrequenciesName, dimensions: [hyper.ropeDimensionCount / 2],
                                          isRequired: false))
        }
        for layer in 0 ..< hyper.layerCount {
            let q = hyper.queryWidth(layer: layer), k = hyper.keyWidth(layer: layer), v = hyper.valueWidth(layer: layer)
            let attention = hyper.attentionWidth(layer: layer), ffn = hyper.feedForwardLengths[layer]
            var shapes: [(String, [Int], Bool)] = [
                ("attn_norm.weight", [width], true),
                ("attn_q.weight", [width, q], true),
                ("attn_k.weight", [width, k], true),
                ("attn_v.weight", [width, v], true),
                ("attn_output.weight", [attention, width], true),
            ]
            if features.contains(.attentionBiases) {
                shapes += [("attn_q.bias", [q], false), ("attn_k.bias", [k], false), ("attn_v.bias", [v], false)]
            }
            if features.contains(.outputProjectionBias) { shapes.append(("attn_output.bias", [width], false)) }
            if features.contains(.queryKeyNorms) {
                shapes += [("attn_q_norm.weight", [hyper.keyLength], true),
                           ("attn_k_norm.weight", [hyper.keyLength], true)]
            }
            shapes += [
                ("ffn_norm.weight", [width], true),
                ("ffn_gate.weight", [width, ffn], true),
                ("ffn_up.weight", [width, ffn], true),
                ("ffn_down.weight", [ffn, width], true),
            ]
            tensors += shapes.map { ExpectedTensor(ggufName: "blk.\(layer).\($0.0)", dimensions: $0.1, isRequired: $0.2) }
        }
        return tensors
    }

    /// The `<arch>.*` keys every Llama-style architecture writes, in llama.cpp's order.
    static func commonHyperParameters(_ c: DecoderConfig, arch: String) -> GGUFMetadata {
        var m = GGUFMetadata()
        let key = { (suffix: String) in "\(arch).\(suffix)" }
        m[key("block_count")] = .uint32(UInt32(c.numHiddenLayers))
        if let context = c.maxPositionEmbeddings {
            m[key("context_length")] = .uint32(UInt32(clamping: context))
        }
        m[key("embedding_length")] = .uint32(UInt32(c.hiddenSize))
        m[key("feed_forward_length")] = .uint32(UInt32(c.intermediateSize))
        m[key("attention.head_count")] = perLayer(c.headCounts)
        m[key("attention.head_count_kv")] = perLayer(c.keyValueHeadCounts)
        if let theta = c.ropeTheta {
            m[key("rope.freq_base")] = .float32(Float(theta))
        }
        m[key("attention.layer_norm_rms_epsilon")] = .float32(Float(c.rmsNormEps ?? 1e-6))
        if let vocab = c.vocabSize {
            m[key("vocab_size")] = .uint32(UInt32(vocab))
        }
        m[key("rope.dimension_count")] = .uint32(UInt32(c.resolvedHeadDim))
        // llama.cpp assumes hidden/heads per head (the first layer's heads) unless told otherwise.
        if c.resolvedHeadDim * c.headCounts[0] != c.hiddenSize || c.hasPerLayerHeadCounts {
            m[key("attention.key_length")] = .uint32(UInt32(c.resolvedHeadDim))
            m[key("attention.value_length")] = .uint32(UInt32(c.resolvedHeadDim))
        }
        if let scaling = c.ropeScaling, let factor = scaling.factor {
            switch scaling.type {
            case "linear":
                m[key("rope.scaling.type")] = .string("linear")
                m[key("rope.scaling.factor")] = .float32(Float(factor))
            case "yarn":
                m[key("rope.scaling.type")] = .string("yarn")
                m[key("rope.scaling.factor")] = .float32(Float(factor))
                if let original = scaling.originalMaxPositionEmbeddings {
                    m[key("rope.scaling.original_context_length")] = .uint32(UInt32(original))
                }
            default:
                break // llama3 scaling travels as the rope_freqs tensor instead.
            }
        }
        return m
    }

    /// One value when every layer has it (llama.cpp's usual form), else one per layer.
    public static func perLayer(_ values: [Int]) -> GGUFValue {
        if let first = values.first, values.allSatisfy({ $0 == first }) { return .uint32(UInt32(first)) }
        return .array(.int32, values.map { .int32(Int32($0)) })
    }

    /// llama3-style RoPE frequency factors, computed the way llama.cpp's converter does:
    /// long wavelengths are divided by the factor, short ones kept, the band between blended.
    static func llama3RopeFactors(_ c: DecoderConfig) -> GeneratedTensor? {
        guard let scaling = c.ropeScaling, scaling.type == "llama3" else { return nil }
        let base = c.ropeTheta ?? 10000
        let dim = c.resolvedHeadDim
        let factor = scaling.factor ?? 8
        let low = scaling.lowFreqFactor ?? 1
        let high = scaling.highFreqFactor ?? 4
        let original = Double(scaling.originalMaxPositionEmbeddings ?? 8192)
        let lowWavelength = original / low
        let highWavelength = original / high
        var factors: [Float] = []
        for i in stride(from: 0, to: dim, by: 2) {
            let freq = 1.0 / pow(base, Double(i) / Double(dim))
            let wavelength = 2 * Double.pi / freq
            if wavelength < highWavelength {
                factors.append(1)
            } else if wavelength > lowWavelength {
                factors.append(Float(factor))
            } else {
                let smooth = (original / wavelength - low) / (high - low)
                factors.append(Float(1 / ((1 - smooth) / factor + smooth)))
            }
        }
        return GeneratedTensor(ggufName: ropeFrequenciesName, dimensions: [factors.count], values: factors)
    }

    /// Decodes and validates the shared decoder fields of `config.json`.
    static func decoderConfig(_ data: Data, path: String) throws -> DecoderConfig {
        let config = try decode(DecoderConfig.self, from: data, path: path)
        try config.validate(path: path)
        return config
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ModelsError.invalidConfig(path: path, key: key.stringValue, reason: "required key is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelsError.invalidConfig(path: path, key: key, reason: context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelsError.invalidConfig(path: path, key: key, reason: "value is null")
        } catch {
            throw ModelsError.invalidJSON(path: path, reason: "\(error)")
        }
    }
}
