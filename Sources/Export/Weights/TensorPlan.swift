import GGUF
import Models
import Quantization

/// One safetensors tensor to write, and the GGUF tensor it comes from.
struct ExportTensor {
    var source: GGUFTensorInfo
    var huggingFaceName: String
    /// Safetensors (NumPy) order: slowest-varying dimension first.
    var shape: [Int]
    /// Undoes the converter's Q/K row interleaving (architectures that permute them only).
    var permutation: RowPermutation?
    var elementCount: Int { source.elementCount }

    /// Bytes in `dtype`; the plan checked this cannot overflow.
    func byteCount(_ dtype: ExportDType) -> Int { elementCount * dtype.byteSize }
}

/// The ordered list of tensors an export writes, checked before any output exists.
struct TensorPlan {
    var tensors: [ExportTensor]
    /// GGUF tensors left out on purpose (derived from `config.json`).
    var dropped: [String]
    /// Whether the GGUF has its own `output.weight` (otherwise embeddings are tied).
    var hasOutputHead: Bool
    /// Whether any attention projection has a bias (`attention_bias`).
    var hasAttentionBias: Bool

    init(file: GGUFFile, descriptor: any ArchitectureDescriptor, parameters: ModelHyperParameters) throws {
        var planned: [(position: TensorNaming.Position, index: Int, tensor: ExportTensor)] = []
        var dropped: [String] = []
        var hasBias = false
        for (index, info) in file.tensors.enumerated() {
            if descriptor.derivedTensorNames.contains(info.name) {
                dropped.append(info.name)
                continue
            }
            guard let mapped = TensorNaming.map(info.name, descriptor: descriptor, blockCount: parameters.layerCount) else {
                throw ExportError.unknownTensor(path: file.path, tensor: info.name, architecture: descriptor.ggufName)
            }
            guard QuantFormats.format(for: info.type) != nil else {
                throw ExportError.unsupportedTensorType(path: file.path, tensor: info.name, type: info.type.name)
            }
            // Four bytes an element must still fit, for the F32 output and the safetensors offsets.
            guard !info.elementCount.multipliedReportingOverflow(by: 4).overflow else {
                throw ExportError.invalidTensorShape(path: file.path, tensor: info.name, dimensions: info.dimensions,
                                                     reason: "too many elements")
            }
            if let suffix = mapped.layerSuffix, suffix.hasPrefix("attn_"), suffix.hasSuffix(".bias") { hasBias = true }
            let permutation = try Self.permutation(for: info, mapped: mapped, descriptor: descriptor,
                                                   parameters: parameters, path: file.path)
            let tensor = ExportTensor(source: info, huggingFaceName: mapped.huggingFaceName,
                                      shape: info.numpyShape, permutation: permutation)
            planned.append((mapped.position, index, tensor))
        }
        guard planned.contains(where: { $0.tensor.source.name == "token_embd.weight" }) else {
            throw ExportError.missingTensor(path: file.path, tensor: "token_embd.weight")
        }
        planned.sort { ($0.position, $0.index) < ($1.position, $1.index) }
        tensors = planned.map(\.tensor)
        self.dropped = dropped
        hasOutputHead = file.tensor(named: "output.weight") != nil
        hasAttentionBias = hasBias
    }

    /// The permutation for Q/K weights and biases of architectures that permute them, after
    /// checking that the rows split into whole heads of even width (the permutation swaps pairs
    /// within a head).
    private static func permutation(for info: GGUFTensorInfo, mapped: TensorNaming.Mapped,
                                    descriptor: any ArchitectureDescriptor, parameters: ModelHyperParameters,
                                    path: String) throws -> RowPermutation? {
        guard let suffix = mapped.layerSuffix, case let .layer(layer) = mapped.position,
              let permutation = descriptor.rowPermutation(forGGUFSuffix: suffix,
                                                          headCount: parameters.headCounts[layer],
                                                          keyValueHeadCount: parameters.keyValueHeadCounts[layer])
        else { return nil }
        let heads = permutation.heads
        // A bias is one row in GGUF terms; its elements are what gets permuted.
        let rows = info.dimensions.count == 1 ? info.elementCount : info.rowCount
        guard rows % heads == 0, (rows / heads) % 2 == 0 else {
            throw ExportError.invalidTensorShape(
                path: path, tensor: info.name, dimensions: info.dimensions,
                reason: "\(rows) rows do not split into \(heads) heads of even size")
        }
        return permutation
    }
}
