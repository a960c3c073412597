/// llama.cpp's `llama`: `LlamaForCausalLM`, and `MistralForCausalLM`, whose sliding window
/// llama.cpp does not apply.
///
/// The graph rotates adjacent pairs, so Q and K rows (and biases) are permuted from Hugging
/// Face's half-split order. Projection biases and llama3's `rope_freqs` are used when present.
public struct LlamaDescriptor: ArchitectureDescriptor {
    public init() {}

    public var ggufName: String { "llama" }
    public var huggingFaceNames: [String] { ["LlamaForCausalLM", "MistralForCausalLM"] }
    public var modelType: String { "llama" }
    public var ropeStyle: RopeStyle { .adjacentPairs }
    public var tokenizerRecipe: VocabRecipe { .llama }
    public var features: ArchitectureFeatures { [.attentionBiases, .outputProjectionBias, .ropeFrequencyFactors] }
    public var huggingFaceConfigFlags: [(key: String, value: Bool)] { [("mlp_bias", false)] }

    /// `llama_model_llama::load_arch_hparams`: 80 layers are LLaMA-1 65B with multi-head
    /// attention and 70B with grouped-query attention; 8 experts make Mixtral sizes.
    public func sizeClass(of shape: ModelShape) -> ModelSizeClass {
        if shape.expertCount == 8 {
            switch shape.layerCount {
            case 32: return .moe8x7B
            case 56: return .moe8x22B
            default: return .unknown
            }
        }
        switch shape.layerCount {
        case 16, 22: return .b1
        case 26, 28: return .b3
        case 30: return .m256
        case 32:
            // Granite's vocabulary has 49152 tokens; LLaMA-2 7B's has fewer than 40000.
            guard let vocabulary = shape.vocabularySize else { return .unknown }
            return vocabulary == 49152 ? .b3 : (vocabulary < 40000 ? .b7 : .b8)
        case 36: return .b8
        case 40: return .b13
        case 48: return .b34
        case 60: return .b30
        case 80: return shape.headCount == shape.headCountKV ? .b65 : .b70
        default: return .unknown
        }
    }
}
