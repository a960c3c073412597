/// Which pairs of a head's dimensions RoPE rotates together.
public enum RopeStyle: Sendable, Equatable {
    /// Adjacent pairs `(x[2i], x[2i+1])`: llama.cpp's `llama` graph on the permuted Q/K rows of GGUF files.
    case adjacentPairs
    /// The two halves `(x[i], x[i + n/2])` (GPT-NeoX, Hugging Face `rotate_half`).
    case halves
}

/// How RoPE frequencies are stretched for longer contexts.
public enum RopeScalingKind: String, Sendable, Equatable {
    case none, linear, yarn
}

/// The numbers that shape a Llama-family decoder, whichever way the model was stored.
///
/// Read from a GGUF file's `<arch>.*` metadata (``init(metadata:source:)``) or from a
/// `config.json` through the metadata its conversion would carry
/// (``init(architecture:source:)``), so both paths agree with llama.cpp's defaults.
public struct ModelHyperParameters: Sendable, Equatable {
    /// llama.cpp's architecture name (`general.architecture`), one of ``ModelRegistry/ggufNames``.
    public var architecture: String
    public var layerCount: Int
    /// Width of the residual stream.
    public var embeddingLength: Int
    /// FFN inner width, one entry per layer.
    public var feedForwardLengths: [Int]
    /// Query heads, one entry per layer.
    public var headCounts: [Int]
    /// Key/value heads, one entry per layer (each divides the layer's head count).
    public var keyValueHeadCounts: [Int]
    /// Width of one query/key head.
    public var keyLength: Int
    /// Width of one value head.
    public var valueLength: Int
    /// Leading dimensions of each head that RoPE rotates (even, at most ``keyLength``).
    public var ropeDimensionCount: Int
    public var ropeFreqBase: Double
    /// How the stored Q/K rows are rotated: the architecture's own style for GGUF weights,
    /// ``RopeStyle/halves`` for Hugging Face weights, which are never permuted.
    public var ropeStyle: RopeStyle
    public var ropeScaling: RopeScalingKind
    /// Context stretch factor (1 when unscaled); llama.cpp's `freq_scale` is its inverse.
    public var ropeScalingFactor: Double
    /// Training context YaRN's correction range is computed from.
    public var ropeOriginalContextLength: Int
    public var yarnBetaFast: Double
    public var yarnBetaSlow: Double
    /// Extra multiplier on RoPE's cos/sin (`rope.scaling.attn_factor`).
    public var ropeAttentionFactor: Double
    public var rmsNormEpsilon: Float
    /// Training context length, when the model states it (informational; sessions choose their own capacity).
    public var contextLength: Int?
    /// `vocab_size`, when the model states it (otherwise the token list or the embedding rows decide).
    public var vocabularySize: Int?

    /// Every hyper-parameter a model file may set is bounded by this (far above real models),
    /// so products of two of them cannot overflow.
    public static let maximumSize = 1 << 24
    /// The most layers accepted (the same bound `config.json` gets).
    public static let maximumLayerCount = 10_000

    public init(architecture: String, layerCount: Int, embeddingLength: Int, feedForwardLengths: [Int],
                headCounts: [Int], keyValueHeadCounts: [Int], keyLength: Int, valueLength: Int,
                ropeDimensionCount: Int, ropeFreqBase: Double = 10000, ropeStyle: RopeStyle,
                ropeScaling: RopeScalingKind = .none, ropeScalingFactor: Double = 1,
                ropeOriginalContextLength: Int = 0, yarnBetaFast: Double = 32, yarnBetaSlow: Double = 1,
                ropeAttentionFactor: Double = 1, rmsNormEpsilon: Float, contextLength: Int? = nil,
                vocabularySize: Int? = nil) {
        self.architecture = architecture
        self.layerCount = layerCount
        self.embeddingLength = embeddingLength
        self.feedForwardLengths = feedForwardLengths
        self.headCounts = headCounts
        self.keyValueHeadCounts = keyValueHeadCounts
        self.keyLength = keyLength
        self.valueLength = valueLength
        self.ropeDimensionCount = ropeDimensionCount
        self.ropeFreqBase = ropeFreqBase
        self.ropeStyle = ropeStyle
        self.ropeScaling = ropeScaling
        self.ropeScalingFactor = ropeScalingFactor
        self.ropeOriginalContextLength = ropeOriginalContextLength
        self.yarnBetaFast = yarnBetaFast
        self.yarnBetaSlow = yarnBetaSlow
        self.ropeAttentionFactor = ropeAttentionFactor
        self.rmsNormEpsilon = rmsNormEpsilon
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
    }

    /// The architecture's descriptor (`nil` only for values built by hand with an unknown name).
    public var descriptor: (any ArchitectureDescriptor)? { ModelRegistry.descriptor(ggufName: architecture) }

    /// Query width of layer `layer` (heads × key length).
    public func queryWidth(layer: Int) -> Int { headCounts[layer] * keyLength }
    /// Key width of layer `layer` (KV heads × key length).
    public func keyWidth(layer: Int) -> Int { keyValueHeadCounts[layer] * keyLength }
    /// Value width of layer `layer` (KV heads × value length).
    public func valueWidth(layer: Int) -> Int { keyValueHeadCounts[layer] * valueLength }
    /// Attention output width of layer `layer` (heads × value length).
    public func attentionWidth(layer: Int) -> Int { headCounts[layer] * valueLength }

    /// Checks every value the forward pass and the shape checks rely on; errors name the GGUF
    /// key and `source`.
    public func validate(source: String) throws(ModelsError) {
        let arch = architecture
        func require(_ ok: Bool, _ key: String, _ reason: String) throws(ModelsError) {
            if !ok { throw .invalidMetadata(source: source, key: "\(arch).\(key)", reason: reason) }
        }
        let sizes = 1 ... Self.maximumSize
        try require((1 ... Self.maximumLayerCount).contains(layerCount), "block_count",
                    "must be in 1...\(Self.maximumLayerCount)")
        try require(sizes.contains(embeddingLength), "embedding_length", "must be in \(sizes)")
        for (name, values) in [("feed_forward_length", feedForwardLengths), ("attention.head_count", headCounts),
                               ("attention.head_count_kv", keyValueHeadCounts)] {
            try require(values.count == layerCount, name, "needs one value per layer (\(layerCount)), has \(values.count)")
            try require(values.allSatisfy { sizes.contains($0) }, name, "every value must be in \(sizes)")
        }
        for layer in 0 ..< layerCount {
            try require(headCounts[layer] % keyValueHeadCounts[layer] == 0, "attention.head_count_kv",
                        "layer \(layer): \(keyValueHeadCounts[layer]) KV heads do not divide \(headCounts[layer]) heads")
        }
        try require(sizes.contains(keyLength), "attention.key_length", "must be in \(sizes)")
        try require(sizes.contains(valueLength), "attention.value_length", "must be in \(sizes)")
        try require(headCounts.allSatisfy { sizes.contains($0 * max(keyLength, valueLength)) }, "attention.head_count",
                    "heads × head width must be at most \(Self.maximumSize)")
        try require(ropeDimensionCount >= 0 && ropeDimensionCount <= keyLength && ropeDimensionCount % 2 == 0,
                    "rope.dimension_count", "must be even and at most the key length \(keyLength)")
        try require(ropeFreqBase.isFinite && ropeFreqBase > 0, "rope.freq_base", "must be positive")
        try require(ropeScalingFactor.isFinite && ropeScalingFactor > 0, "rope.scaling.factor", "must be positive")
        try require(ropeAttentionFactor.isFinite, "rope.scaling.attn_factor", "must be finite")
        try require(yarnBetaFast.isFinite && yarnBetaSlow.isFinite, "rope.scaling.yarn_beta_fast", "must be finite")
        try require(ropeOriginalContextLength >= 0, "rope.scaling.original_context_length", "must not be negative")
        if ropeScaling == .yarn {
            try require(ropeOriginalContextLength > 0, "rope.scaling.original_context_length", "YaRN needs it")
        }
        try require(rmsNormEpsilon.isFinite && rmsNormEpsilon >= 0, "attention.layer_norm_rms_epsilon",
                    "must be a finite non-negative number")
        if let contextLength {
            try require(contextLength >= 0, "context_length", "must not be negative")
        }
        if let vocabularySize {
            try require(sizes.contains(vocabularySize), "vocab_size", "must be in \(sizes)")
        }
    }
}
