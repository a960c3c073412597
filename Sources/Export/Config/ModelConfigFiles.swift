/// `config.json` and `generation_config.json` rebuilt from a GGUF's `<arch>.*` keys.
///
/// Members follow the order Transformers saves them in; values the GGUF does not hold
/// are left out so that Transformers' own defaults apply, rather than guessed.
struct ModelConfigFiles {
    var parameters: ModelHyperParameters
    var plan: TensorPlan
    var tokenizer: TokenizerMetadata?
    var dtype: ExportDType
    /// `rope_scaling` recovered from `rope_freqs.weight` (llama3 style), if any.
    var llama3Scaling: ModelHyperParameters.RopeScaling?

    /// The vocabulary size: the GGUF key, else the token list, else the embedding rows.
    var vocabSize: Int {
        if let size = parameters.vocabSize { return size }
        if let tokens = tokenizer?.tokens.count { return tokens }
        return plan.tensors.first { $0.source.name == "token_embd.weight" }?.shape.first ?? 0
    }

    func config() -> JSONText {
        let p = parameters
        var m: [(String, JSONText)] = [
            ("architectures", .array([.string(p.architecture.huggingFaceClass)])),
            ("model_type", .string(p.architecture.modelType)),
            ("hidden_size", .int(p.embeddingLength)),
            ("intermediate_size", .int(p.feedForwardLength)),
            ("num_hidden_layers", .int(p.blockCount)),
            ("num_attention_heads", .int(p.headCount)),
            ("num_key_value_heads", .int(p.headCountKV)),
            ("head_dim", .int(p.headDim)),
            ("hidden_act", .string("silu")),
        ]
        if let context = p.contextLength { m.append(("max_position_embeddings", .int(context))) }
        if let eps = p.rmsNormEpsilon { m.append(("rms_norm_eps", .float(eps))) }
        if let theta = p.ropeTheta { m.append(("rope_theta", .float(theta))) }
        m.append(("rope_scaling", (p.ropeScaling ?? llama3Scaling).map(Self.ropeScaling) ?? .null))
        m.append(("attention_bias", .bool(plan.hasAttentionBias)))
        m.append(("attention_dropout", .double(0)))
        if p.architecture == .llama { m.append(("mlp_bias", .bool(false))) }
        if p.architecture != .llama { m.append(("use_sliding_window", .bool(false))) }
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

    private static func ropeScaling(_ scaling: ModelHyperParameters.RopeScaling) -> JSONText {
        var m: [(String, JSONText)] = [("rope_type", .string(scaling.type)), ("factor", .float(scaling.factor))]
        if let original = scaling.originalContextLength { m.append(("original_max_position_embeddings", .int(original))) }
        if let low = scaling.lowFreqFactor { m.append(("low_freq_factor", .float(low))) }
        if let high = scaling.highFreqFactor { m.append(("high_freq_factor", .float(high))) }
        return .object(m)
    }
}
