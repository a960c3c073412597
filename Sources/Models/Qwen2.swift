import Foundation
import GGUF

/// `Qwen2ForCausalLM`: Llama layout plus Q/K/V biases; llama.cpp's `qwen2` graph uses
/// half-split (NeoX) rotation, so no rows are permuted.
public struct Qwen2Architecture: ModelArchitecture {
    public static let huggingFaceNames = ["Qwen2ForCausalLM"]
    public let decoder: DecoderConfig
    public var ggufArchitecture: String { "qwen2" }

    public init(configJSON: Data, path: String) throws {
        decoder = try LlamaFamily.decoderConfig(configJSON, path: path)
    }

    public func mapTensor(_ name: String) throws -> TensorMapping? {
        let isNorm = { (suffix: String) in suffix.contains("q_norm") || suffix.contains("k_norm") }
        return try LlamaFamily.map(name, architecture: ggufArchitecture, numLayers: decoder.numHiddenLayers,
                                   allowed: { !isNorm($0) })
            .map { TensorMapping(ggufName: $0.gguf) }
    }
}
