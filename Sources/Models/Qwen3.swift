/// llama.cpp's `qwen3` (`Qwen3ForCausalLM`): per-head RMSNorm on Q and K (`attn_q_norm`,
/// `attn_k_norm`), an explicit `head_dim`, no biases; NeoX rotation as in Qwen2, so no permutation.
public struct Qwen3Descriptor: ArchitectureDescriptor {
    public init() {}

    public var ggufName: String { "qwen3" }
    public var huggingFaceNames: [String] { ["Qwen3ForCausalLM"] }
    public var modelType: String { "qwen3" }
    public var ropeStyle: RopeStyle { .halves }
    public var tokenizerRecipe: VocabRecipe { .sentencePieceThenBPE }
    public var features: ArchitectureFeatures { [.queryKeyNorms] }
    public var huggingFaceConfigFlags: [(key: String, value: Bool)] { [("use_sliding_window", false)] }

    /// `llama_model_qwen3::load_arch_hparams`.
    public func sizeClass(of shape: ModelShape) -> ModelSizeClass {
        switch shape.layerCount {
        case 28: return shape.embeddingLength.map { $0 == 1024 ? .b0_6 : .b1_7 } ?? .unknown
        case 36: return shape.embeddingLength.map { $0 == 2560 ? .b4 : .b8 } ?? .unknown
        case 40: return .b14
        case 64: return .b32
        default: return .unknown
        }
    }
}
