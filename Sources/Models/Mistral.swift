import Foundation
import GGUF

/// `MistralForCausalLM`: a Llama decoder with sliding-window attention, which llama.cpp
/// loads as the `llama` architecture.
public struct MistralArchitecture: ModelArchitecture {
    public static let huggingFaceNames = ["MistralForCausalLM"]
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
