import GGUF
import Models

/// `config.json` and `generation_config.json` rebuilt from a GGUF's `<arch>.*` keys.
///
/// Members follow the order Transformers saves them in; values the GGUF does not hold
/// are left out so that Transformers' own defaults apply, rather than guessed.
struct ModelConfigFiles {
    var descriptor: any ArchitectureDescriptor
    var parameters: ModelHyperParameters
    var plan: TensorPlan
    var tokenizer: TokenizerMetadata?
    var dtype: ExportDType
    /// `rope_scaling` recovered from `rope_freqs.weight` (llama3 style), if any.
    var llama3Scaling: RopeScaling?

    /// Checks that the per-layer hyper-parameters are the same in every layer, since
    /// `config.json` holds one value for each; `path` names the GGUF in errors.
    init(descriptor: any ArchitectureDescriptor, parameters: ModelHyperParameters, plan: TensorPlan,
         tokenizer: TokenizerMetadata?, dtype: ExportDType, llama3Scaling: RopeScaling?, path: String) throws {
        let arch = parameters.architecture
        var perLayer = [(GGUFKey.feedForwardLength(arch), parameters.feedForwardLengths)]
        // Only `deci`'s head counts may differ per layer: config.json carries them as
        // `num_attention_heads_per_layer` / `num_key_value_heads_per_layer`.
        if descriptor.ggufName != DeciDescriptor().ggufName {
            perLayer += [(GGUFKey.attentionHeadCount(arch), parameters.headCounts),
                         (GGUFKey.attentionHeadCountKV(arch), parameters.keyValueHeadCounts)]
        }
        for (key, values) in perLayer where Set(values).count > 1 {
            throw ExportError.invalidMetadata(path: path, key: key,
                                              reason: "differs between layers; config.json holds one value")
        }
        self.descriptor = descriptor
        self.parameters = parameters
        self.plan = plan
        self.tokenizer = tokenizer
        self.dtype = dtype
        self.llama3Scaling = llama3Scaling
    }

    /// The vocabulary size: the GGUF key, else the token list, else the embedding rows.
    var vocabSize: Int {
        if let size = parameters.vocabularySize { return size }
        if let tokens = tokenizer?.tokens.count { return tokens }
        return plan.tensors.first { $0.source.name == "token_embd.weight" }?.shape.first ?? 0
    }

    func config() -> JSONText {
        let p = parameters
        let perLayer = Set(p.headCounts).count > 1 || Set(p.keyValueHeadCounts).count > 1
        let names = descriptor.ggufName == DeciDescriptor().ggufName ? [DeciDescriptor.exportedHuggingFaceName]
            : descriptor.huggingFaceNames
        var m: [(String, JSONText)] = [
            ("architectures", .array(names.prefix(1).map { .string($0) })),
            ("model_type", .string(descriptor.modelType)),
            ("hidden_size", .int(p.embeddingLength)),
            ("intermediate_size", .int(p.feedForwardLengths[0])),
            ("num_hidden_layers", .int(p.layerCount)),
            ("num_attention_heads", .int(perLayer ? p.headCounts.max()! : p.headCounts[0])),
            ("num_key_value_heads", .int(perLayer ? p.keyValueHeadCounts.max()! : p.keyValueHeadCounts[0])),
        ]
        if perLayer {
            m.append(("num_attention_heads_per_layer", .array(p.headCounts.map { .int($0) })))
            m.append(("num_key_value_heads_per_layer", .array(p.keyValueHeadCounts.map { .int($0) })))
        }
        m += [("head_dim", .int(p.keyLength)), ("hidden_act", .string("silu"))]
        if let context = p.contextLength { m.append(("max_position_embeddings", .int(context))) }
        m.append(("rms_norm_eps", .float(p.rmsNormEpsilon)))
        m.append(("rope_theta", .float(Float(p.ropeFreqBase))))
        m.append(("rope_scaling", (p.huggingFaceRopeScaling ?? llama3Scaling).map(Self.ropeScaling) ?? .null))
        m.append(("attention_bias", .bool(plan.hasAttentionBias)))
        m.append(("attention_dropout", .double(0)))
        m += descriptor.huggingFaceConfigFlags.map { ($0.key, .bool($0.value)) }
        m.append(("tie_word_embeddings", .bool(!plan.hasOutputHead)))
        m.append(("vocab_size", .int(vocabSize)))
        m += specialIDs()
        m.append(("torch_dtype", .string(dtype.torchDType)))
        m.append(("use_cache", .bool(true)))
        return .object(m)
    }

    func generationConfig() -> JSONText {
        .object([("_from_model_config", .bool(true))] + specialIDs())
    }

    private func specialIDs() -> [(String, JSONText)] {
        guard let tokenizer else { return [] }
        return ["bos", "eos", "pad"].compactMap { role in
            tokenizer.specialIDs[role].map { ("\(role)_token_id", .int($0)) }
        }
    }

    /// GGUF keeps these values as float32, so they are written at that precision.
    private static func ropeScaling(_ scaling: RopeScaling) -> JSONText {
        var m: [(String, JSONText)] = [("rope_type", .string(scaling.type)),
                                       ("factor", .float(Float(scaling.factor ?? 1)))]
        if let original = scaling.originalMaxPositionEmbeddings {
            m.append(("original_max_position_embeddings", .int(original)))
        }
        if let low = scaling.lowFreqFactor { m.append(("low_freq_factor", .float(Float(low)))) }
        if let high = scaling.highFreqFactor { m.append(("high_freq_factor", .float(Float(high)))) }
        return .object(m)
    }
}
