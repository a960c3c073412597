import Foundation
import GGUF

/// `Qwen3ForCausalLM`: per-head RMSNorm on Q and K (`attn_q_norm`, `attn_k_norm`), an explicit
/// `head_dim`, no biases; NeoX rotation as in Qwen2, so no permutation.
public struct Qwen3Architecture: ModelArchitecture {
    public static let huggingFaceNames = ["Qwen3ForCausalLM"]
    public let decoder: DecoderConfig
    public var ggufArchitecture: String { "qwen3" }

    public init(configJSON: Data, path: String) throws {
        decoder = try LlamaFamily.decoderConfig(configJSON, path: path)
    }

    public func mapTensor(_ name: String) throws -> TensorMapping? {
        let isBias = { (suffix: String) in suffix.hasSuffix(".bias") }
        return try LlamaFamily.map(name, architecture: ggufArchitecture, numLayers: decoder.numHiddenLayers,
                                   allowed: { !isBias($0) })
            .map { TensorMapping(ggufName: $0.gguf) }
    }
}
