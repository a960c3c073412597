/// llama.cpp's `deci` (Nemotron-NAS): the `llama` graph with per-layer query and key/value head
/// counts, so a model whose layers kept different numbers of attention heads (ggufkit's head
/// pruning) still loads in llama.cpp, which reads only the first layer's counts for `llama`.
///
/// Tensor names, Q/K row permutation and RoPE are `llama`'s. No Hugging Face architecture name
/// maps here directly: a Llama `config.json` with per-layer head counts
/// (``DecoderConfig/numAttentionHeadsPerLayer``) that differ between layers converts to `deci`,
/// and `export` writes a `deci` file back in that form.
public struct DeciDescriptor: ArchitectureDescriptor {
    public init() {}

    public var ggufName: String { "deci" }
    public var huggingFaceNames: [String] { [] }
    public var modelType: String { "llama" }
    public var ropeStyle: RopeStyle { .adjacentPairs }
    public var tokenizerRecipe: VocabRecipe { .llama }
    public var features: ArchitectureFeatures { [.attentionBiases, .outputProjectionBias, .ropeFrequencyFactors] }
    public var huggingFaceConfigFlags: [(key: String, value: Bool)] { [("mlp_bias", false)] }

    /// The name `export` writes in `config.json` (with the per-layer head counts).
    public static let exportedHuggingFaceName = "LlamaForCausalLM"

    /// `llama_model_deci::load_arch_hparams`.
    public func sizeClass(of shape: ModelShape) -> ModelSizeClass {
        switch shape.layerCount {
        case 32: .b7
        case 80: .b70
        default: .unknown
        }
    }
}
