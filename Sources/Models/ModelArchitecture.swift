import Foundation
import GGUF

/// How one source tensor becomes one GGUF tensor.
public struct TensorMapping: Equatable, Sendable {
    /// The GGUF tensor name, e.g. `blk.3.attn_q.weight`.
    public var ggufName: String
    /// Row reordering applied on the way (llama.cpp's Q/K permutation for rotary heads).
    public var rowPermutation: RowPermutation?

    public init(ggufName: String, rowPermutation: RowPermutation? = nil) {
        self.ggufName = ggufName
        self.rowPermutation = rowPermutation
    }
}

/// llama.cpp's `llama` architecture rotates interleaved pairs, while Hugging Face checkpoints
/// rotate the two halves of each head; the converter reorders the rows of Q and K (and their
/// biases) so that both compute the same thing.
public struct RowPermutation: Equatable, Sendable {
    public var heads: Int

    public init(heads: Int) { self.heads = heads }

    /// The source row that lands at output row `row`, for a tensor of `rowCount` rows.
    ///
    /// Each head's rows are split into two halves; the output interleaves them, so
    /// output `2i` comes from the first half's row `i` and `2i+1` from the second half's.
    @inlinable
    public func sourceRow(forOutputRow row: Int, rowCount: Int) -> Int {
        let perHead = rowCount / heads
        let half = perHead / 2
        let head = row / perHead
        let within = row % perHead
        return head * perHead + (within % 2) * half + within / 2
    }

    /// The output row that source row `row` lands at (the inverse of ``sourceRow(forOutputRow:rowCount:)``).
    @inlinable
    public func outputRow(forSourceRow row: Int, rowCount: Int) -> Int {
        let perHead = rowCount / heads
        let half = perHead / 2
        let head = row / perHead
        let within = row % perHead
        return head * perHead + (within % half) * 2 + within / half
    }
}

/// A tensor the converter synthesises instead of copying (llama3 RoPE frequency factors).
public struct GeneratedTensor: Sendable {
    public var ggufName: String
    /// GGUF order (fastest-varying dimension first).
    public var dimensions: [Int]
    public var values: [Float]
}

/// A Hugging Face model's configuration, decoded, with the descriptor of the llama.cpp
/// architecture it converts to.
public struct ModelArchitecture: Sendable {
    /// The facts about the architecture that do not depend on the configuration.
    public let descriptor: any ArchitectureDescriptor
    /// The decoder hyper-parameters of `config.json`.
    public let decoder: DecoderConfig

    /// Decodes and validates `config.json`'s bytes for `descriptor`.
    public init(descriptor: any ArchitectureDescriptor, configJSON: Data, path: String) throws {
        self.descriptor = descriptor
        decoder = try LlamaFamily.decoderConfig(configJSON, path: path)
    }

    /// llama.cpp's architecture name (`general.architecture`).
    public var ggufArchitecture: String { descriptor.ggufName }

    /// The `<arch>.*` hyper-parameter keys llama.cpp reads, in the order its converter writes them.
    public func hyperParameters() -> GGUFMetadata { descriptor.hyperParameterMetadata(decoder) }

    /// The GGUF name and transform for a source tensor, or `nil` for tensors that are
    /// deliberately dropped (rotary caches). Unknown names throw.
    public func mapTensor(_ huggingFaceName: String) throws(ModelsError) -> TensorMapping? {
        try descriptor.tensorMapping(forHuggingFace: huggingFaceName, config: decoder)
    }

    /// Tensors the converter writes that have no source tensor.
    public func generatedTensors() -> [GeneratedTensor] { descriptor.generatedTensors(decoder) }
}
