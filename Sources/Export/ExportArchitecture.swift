/// The llama.cpp architectures export turns back into Hugging Face checkpoints.
enum ExportArchitecture: String, CaseIterable, Sendable {
    case llama, qwen2, qwen3

    /// `config.json`'s `architectures` entry.
    var huggingFaceClass: String {
        switch self {
        case .llama: "LlamaForCausalLM"
        case .qwen2: "Qwen2ForCausalLM"
        case .qwen3: "Qwen3ForCausalLM"
        }
    }

    /// `config.json`'s `model_type`.
    var modelType: String { rawValue }

    /// llama.cpp's `llama` graph rotates interleaved pairs, so its converter reorders Q/K rows;
    /// the Qwen graphs rotate halves like Transformers and keep the original order.
    var permutesQueryKey: Bool { self == .llama }
}
