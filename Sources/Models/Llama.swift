import Foundation
import GGUF

/// `LlamaForCausalLM` (and Mistral, which llama.cpp runs as the same architecture).
///
/// llama.cpp's `llama` graph rotates adjacent pairs, so Q and K rows (and biases) are
/// permuted from Hugging Face's half-split order.
public struct LlamaArchitecture: ModelArchitecture {
    public static let huggingFaceNames = ["LlamaForCausalLM"]
    public let decoder: DecoderConfig
    public var ggufArchitecture: String { "llama" }

    public init(configJSON: Data, path: String) throws {
        decoder = try LlamaFamily.decoderConfig(configJSON, path: path)
    }

    public func mapTensor(_ name: String) throws -> TensorMapping? {
        try LlamaFamily.mapLlamaStyle(name, decoder: decoder, architecture: ggufArchitecture)
    }

    public func generatedTensors() -> [GeneratedTensor] {
        LlamaFamily.llama3RopeFactors(decoder).map { [$0] } ?? []
    }
}

extension LlamaFamily {
    /// The `llama` table: no q/k norms, Q/K permuted for pairwise rotation.
    static func mapLlamaStyle(_ name: String, decoder: DecoderConfig, architecture: String) throws -> TensorMapping? {
        let hasNorm = { (suffix: String) in suffix.contains("q_norm") || suffix.contains("k_norm") }
        guard let (gguf, suffix) = try map(name, architecture: architecture, numLayers: decoder.numHiddenLayers,
                                          allowed: { !hasNorm($0) }) else { return nil }
        if suffix.hasPrefix("self_attn.q_proj.") {
            return TensorMapping(ggufName: gguf, rowPermutation: RowPermutation(heads: decoder.numAttentionHeads))
        }
        if suffix.hasPrefix("self_attn.k_proj.") {
            return TensorMapping(ggufName: gguf, rowPermutation: RowPermutation(heads: decoder.keyValueHeads))
        }
        return TensorMapping(ggufName: gguf)
    }
}
