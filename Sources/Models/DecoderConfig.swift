import Foundation

/// RoPE scaling settings from `config.json`'s `rope_scaling` object.
public struct RopeScaling: Codable, Equatable, Sendable {
    /// `linear`, `dynamic`, `yarn`, `llama3`, `longrope` or `default`.
    public var type: String
    public var factor: Double?
    public var originalMaxPositionEmbeddings: Int?
    public var lowFreqFactor: Double?
    public var highFreqFactor: Double?
    public var betaFast: Double?
    public var betaSlow: Double?

    enum CodingKeys: String, CodingKey {
        case type
        case ropeType = "rope_type"
        case factor
        case originalMaxPositionEmbeddings = "original_max_position_embeddings"
        case lowFreqFactor = "low_freq_factor"
        case highFreqFactor = "high_freq_factor"
        case betaFast = "beta_fast"
        case betaSlow = "beta_slow"
    }

    public init(type: String, factor: Double? = nil, originalMaxPositionEmbeddings: Int? = nil,
                lowFreqFactor: Double? = nil, highFreqFactor: Double? = nil) {
        self.type = type
        self.factor = factor
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        self.lowFreqFactor = lowFreqFactor
        self.highFreqFactor = highFreqFactor
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Transformers renamed `type` to `rope_type`; older configs carry only the former.
        type = try c.decodeIfPresent(String.self, forKey: .ropeType)
            ?? c.decodeIfPresent(String.self, forKey: .type) ?? "default"
        factor = try c.decodeIfPresent(Double.self, forKey: .factor)
        originalMaxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .originalMaxPositionEmbeddings)
        lowFreqFactor = try c.decodeIfPresent(Double.self, forKey: .lowFreqFactor)
        highFreqFactor = try c.decodeIfPresent(Double.self, forKey: .highFreqFactor)
        betaFast = try c.decodeIfPresent(Double.self, forKey: .betaFast)
        betaSlow = try c.decodeIfPresent(Double.self, forKey: .betaSlow)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .ropeType)
        try c.encodeIfPresent(factor, forKey: .factor)
        try c.encodeIfPresent(originalMaxPositionEmbeddings, forKey: .originalMaxPositionEmbeddings)
        try c.encodeIfPresent(lowFreqFactor, forKey: .lowFreqFactor)
        try c.encodeIfPresent(highFreqFactor, forKey: .highFreqFactor)
        try c.encodeIfPresent(betaFast, forKey: .betaFast)
        try c.encodeIfPresent(betaSlow, forKey: .betaSlow)
    }
}

/// The `config.json` fields shared by Llama-family decoder-only transformers.
///
/// Architecture files read their extra fields from the same JSON; optional fields get the
/// defaults Transformers itself applies.
public struct DecoderConfig: Codable, Equatable, Sendable {
    public var architectures: [String]
    public var modelType: String?
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int?
    public var headDim: Int?
    public var maxPositionEmbeddings: Int?
    public var rmsNormEps: Double?
    public var ropeTheta: Double?
    public var ropeScaling: RopeScaling?
    public var vocabSize: Int?
    public var tieWordEmbeddings: Bool?
    public var attentionBias: Bool?
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var torchDtype: String?
    public var slidingWindow: Int?
    /// Query heads of each layer, for models whose layers differ (attention-head pruning):
    /// `num_attention_heads_per_layer`, a ggufkit extension to Llama's `config.json`. When
    /// present, `num_attention_heads` is the largest entry.
    public var numAttentionHeadsPerLayer: [Int]?
    /// Key/value heads of each layer (`num_key_value_heads_per_layer`), with
    /// ``numAttentionHeadsPerLayer``.
    public var numKeyValueHeadsPerLayer: [Int]?

    enum CodingKeys: String, CodingKey {
        case architectures
        case modelType = "model_type"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim"
        case maxPositionEmbeddings = "max_position_embeddings"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case ropeScaling = "rope_scaling"
        case vocabSize = "vocab_size"
        case tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case torchDtype = "torch_dtype"
        case slidingWindow = "sliding_window"
        case numAttentionHeadsPerLayer = "num_attention_heads_per_layer"
        case numKeyValueHeadsPerLayer = "num_key_value_heads_per_layer"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? []
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads)
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings)
        rmsNormEps = try c.decodeIfPresent(Double.self, forKey: .rmsNormEps)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta)
        ropeScaling = try c.decodeIfPresent(RopeScaling.self, forKey: .ropeScaling)
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize)
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings)
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias)
        // Some configs list several eos ids; the first is the primary one.
        bosTokenId = try? c.decodeIfPresent(Int.self, forKey: .bosTokenId)
        if let single = try? c.decodeIfPresent(Int.self, forKey: .eosTokenId) {
            eosTokenId = single
        } else {
            eosTokenId = (try? c.decodeIfPresent([Int].self, forKey: .eosTokenId))?.first
        }
        torchDtype = try c.decodeIfPresent(String.self, forKey: .torchDtype)
        slidingWindow = try? c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        numAttentionHeadsPerLayer = try c.decodeIfPresent([Int].self, forKey: .numAttentionHeadsPerLayer)
        numKeyValueHeadsPerLayer = try c.decodeIfPresent([Int].self, forKey: .numKeyValueHeadsPerLayer)
    }

    /// Key/value heads; configs without the key use multi-head attention.
    public var keyValueHeads: Int { numKeyValueHeads ?? numAttentionHeads }

    /// Query heads of every layer (``numAttentionHeadsPerLayer``, else `num_attention_heads` everywhere).
    public var headCounts: [Int] {
        numAttentionHeadsPerLayer ?? Array(repeating: numAttentionHeads, count: max(numHiddenLayers, 0))
    }

    /// Key/value heads of every layer (``numKeyValueHeadsPerLayer``, else ``keyValueHeads`` everywhere).
    public var keyValueHeadCounts: [Int] {
        numKeyValueHeadsPerLayer ?? Array(repeating: keyValueHeads, count: max(numHiddenLayers, 0))
    }

    /// Whether the per-layer head counts differ between layers (only llama.cpp's `deci` graph runs that).
    public var hasPerLayerHeadCounts: Bool {
        Set(headCounts).count > 1 || Set(keyValueHeadCounts).count > 1
    }

    /// Per-head width: explicit `head_dim`, or hidden size over heads.
    public var resolvedHeadDim: Int { headDim ?? hiddenSize / max(numAttentionHeads, 1) }

    /// Checks the numbers a converter and an inference engine rely on.
    public func validate(path: String) throws {
        func require(_ ok: Bool, _ key: String, _ reason: String) throws {
            if !ok { throw ModelsError.invalidConfig(path: path, key: key, reason: reason) }
        }
        // These sizes become uint32 GGUF values and are multiplied together for shape checks;
        // the bound keeps both in range whatever the file says.
        let sizes = 1 ... Self.maximumSize
        try require(sizes.contains(hiddenSize), "hidden_size", "must be in 1...\(Self.maximumSize)")
        try require(sizes.contains(intermediateSize), "intermediate_size", "must be in 1...\(Self.maximumSize)")
        try require(numHiddenLayers > 0 && numHiddenLayers <= 10_000, "num_hidden_layers", "must be in 1...10000")
        try require(sizes.contains(numAttentionHeads), "num_attention_heads", "must be in 1...\(Self.maximumSize)")
        try require(keyValueHeads > 0 && numAttentionHeads % keyValueHeads == 0, "num_key_value_heads",
                    "must divide num_attention_heads (\(numAttentionHeads))")
        try require(sizes.contains(resolvedHeadDim) && resolvedHeadDim % 2 == 0, "head_dim",
                    "must be a positive even number up to \(Self.maximumSize)")
        if headDim == nil {
            try require(hiddenSize % numAttentionHeads == 0, "hidden_size",
                        "must be a multiple of num_attention_heads when head_dim is absent")
        }
        for (key, values) in [("num_attention_heads_per_layer", numAttentionHeadsPerLayer),
                              ("num_key_value_heads_per_layer", numKeyValueHeadsPerLayer)] {
            guard let values else { continue }
            try require(values.count == numHiddenLayers, key, "needs one value per layer (\(numHiddenLayers))")
            try require(values.allSatisfy { sizes.contains($0) }, key, "every value must be in 1...\(Self.maximumSize)")
        }
        if numAttentionHeadsPerLayer != nil || numKeyValueHeadsPerLayer != nil {
            try require(headDim != nil, "head_dim", "is required with per-layer head counts")
            for (layer, (heads, kvHeads)) in zip(headCounts, keyValueHeadCounts).enumerated() {
                try require(heads % kvHeads == 0, "num_key_value_heads_per_layer",
                            "layer \(layer): \(kvHeads) key/value heads do not divide \(heads) heads")
            }
        }
        if let vocabSize { try require(sizes.contains(vocabSize), "vocab_size", "must be in 1...\(Self.maximumSize)") }
        if let original = ropeScaling?.originalMaxPositionEmbeddings {
            try require(original > 0 && original <= Int(UInt32.max), "rope_scaling.original_max_position_embeddings",
                        "must be in 1...\(UInt32.max)")
        }
    }

    /// The largest width, head count or vocabulary size accepted (far above any real model).
    public static let maximumSize = 1 << 24
}
