/// llama.cpp's `qwen2` (`Qwen2ForCausalLM`): the Llama layout plus Q/K/V biases, with half-split
/// (NeoX) rotation, so no rows are permuted.
public struct Qwen2Descriptor: ArchitectureDescriptor {
    public init() {}

    public var ggufName: String { "qwen2" }
    public var huggingFaceNames: [String] { ["Qwen2ForCausalLM"] }
    public var modelType: String { "qwen2" }
    public var ropeStyle: RopeStyle { .halves }
    public var tokenizerRecipe: VocabRecipe { .sentencePieceThenBPE }
    public var features: ArchitectureFeatures { [.attentionBiases] }
    public var huggingFaceConfigFlags: [(key: String, value: Bool)] { [("use_sliding_window", false)] }

    /// `llama_model_qwen2::load_arch_hparams`.
    public func sizeClass(of shape: ModelShape) -> ModelSizeClass {
        switch shape.layerCount {
        case 24: return shape.embeddingLength.map { $0 == 1024 ? .b0_5 : .b1 } ?? .unknown
        case 28: return shape.embeddingLength.map { $0 == 1536 ? .b1_5 : .b7 } ?? .unknown
        case 32: return .b7
        case 36: return .b3
        case 40: return shape.headCount == 20 ? .b4 : .b13
        case 48: return .b14
        case 64: return .b32
        case 80: return .b70
        default: return .unknown
        }
    }
}
