/// The shape facts llama.cpp's loaders classify a model's size by (`hparams` as read from GGUF).
public struct ModelShape: Sendable, Equatable {
    public var layerCount: Int
    /// `embedding_length`, where known (some classes depend on it).
    public var embeddingLength: Int?
    /// Query heads of the first layer (llama.cpp's `n_head()`).
    public var headCount: Int
    /// Key/value heads of the first layer (llama.cpp's `n_head_kv()`).
    public var headCountKV: Int
    /// Vocabulary size, where known (`vocab_size`, else the token list).
    public var vocabularySize: Int?
    /// Experts per MoE layer, 0 for dense models.
    public var expertCount: Int

    public init(layerCount: Int, embeddingLength: Int? = nil, headCount: Int, headCountKV: Int,
                vocabularySize: Int? = nil, expertCount: Int = 0) {
        self.layerCount = layerCount
        self.embeddingLength = embeddingLength
        self.headCount = headCount
        self.headCountKV = headCountKV
        self.vocabularySize = vocabularySize
        self.expertCount = expertCount
    }
}

/// llama.cpp's model size class (`llm_type`), named as its `type_name()` prints it.
///
/// The quantization mixes look at one class only, ``b70`` (it gives `attn_v` more bits).
public enum ModelSizeClass: String, Sendable, Equatable, CaseIterable {
    case unknown = "?B"
    case m256 = "256M"
    case b0_5 = "0.5B"
    case b0_6 = "0.6B"
    case b1 = "1B"
    case b1_5 = "1.5B"
    case b1_7 = "1.7B"
    case b3 = "3B"
    case b4 = "4B"
    case b7 = "7B"
    case b8 = "8B"
    case b13 = "13B"
    case b14 = "14B"
    case b30 = "30B"
    case b32 = "32B"
    case b34 = "34B"
    case b65 = "65B"
    case b70 = "70B"
    case moe8x7B = "8x7B"
    case moe8x22B = "8x22B"
}

extension ModelRegistry {
    /// llama.cpp's size class for a model of any `general.architecture`: the descriptor's rule
    /// for the architectures ggufkit converts, and for the others `quantize` may re-encode,
    /// the layer counts at which llama.cpp's loader picks ``ModelSizeClass/b70`` (the only
    /// class a quantization mix depends on); anything else is ``ModelSizeClass/unknown``.
    public static func sizeClass(architecture: String, shape: ModelShape) -> ModelSizeClass {
        if let descriptor = descriptor(ggufName: architecture) { return descriptor.sizeClass(of: shape) }
        return seventyBillionLayerCounts[architecture] == shape.layerCount ? .b70 : .unknown
    }

    /// Layer counts llama.cpp's `olmo` and `jais2` loaders classify as 70B.
    static let seventyBillionLayerCounts: [String: Int] = ["olmo": 80, "jais2": 68]
}
