import Foundation
import GGUF
import Models
import SafeTensors

/// Where a planned tensor's values come from.
public enum TensorSource: Sendable {
    /// A checkpoint tensor, decoded from its dtype and optionally row-permuted.
    case checkpoint(info: SafeTensorInfo, permutation: RowPermutation?)
    /// A tensor of an existing GGUF file (re-quantizing).
    case gguf(info: GGUFTensorInfo, path: String)
    /// Values the converter computes (RoPE frequency factors).
    case generated(values: [Float])
    /// Values a pass computed, in a memory-mapped scratch file; `permutation` as for
    /// `checkpoint` (the values are kept in the source's row order).
    case computed(values: ScratchValues, permutation: RowPermutation?)
}

/// One tensor of the output file: its name, shape, type and origin.
public struct PlannedTensor: Sendable {
    public var ggufName: String
    /// GGUF order: the row length (fastest-varying dimension) first.
    public var dimensions: [Int]
    public var source: TensorSource
    public var targetType: GGMLType
    /// Set when the row length forced a compatible type instead of the policy's first choice.
    public var fallbackFrom: GGMLType? = nil
    /// Per-column importance (an importance matrix row), for the weighted quantizers.
    public var importance: [Float]? = nil

    public var rowLength: Int { dimensions.first ?? 1 }
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
    public var elementCount: Int { dimensions.reduce(1, *) }

    /// The name of the source tensor, for messages.
    public var sourceName: String {
        if case let .checkpoint(info, _) = source { return info.name }
        return ggufName
    }

    public var sourceFile: String {
        switch source {
        case let .checkpoint(info, _): return info.filePath
        case let .gguf(_, path): return path
        case .generated: return "(generated)"
        case .computed: return "(computed by a pass)"
        }
    }

    /// The type the values are stored in before conversion.
    public var sourceType: GGMLType? {
        switch source {
        case let .checkpoint(info, _): return TensorEncoder.sourceType(info.dtype)
        case let .gguf(info, _): return info.type
        case .generated, .computed: return .f32
        }
    }

    /// Bytes before conversion.
    public var sourceByteCount: Int {
        switch source {
        case let .checkpoint(info, _): return info.byteCount
        case let .gguf(info, _): return info.byteCount
        case let .generated(values): return values.count * 4
        case let .computed(values, _): return values.count * 4
        }
    }

    /// Bytes after conversion.
    public var targetByteCount: Int { targetType.byteCount(elements: elementCount) ?? 0 }
}

/// The list of output tensors for a model folder, in file order, before any type is chosen.
public enum ConversionPlanner {
    /// Maps every checkpoint tensor through the architecture's table, checks shapes, drops a
    /// tied `lm_head`, and orders the result as llama.cpp does (embeddings, blocks by index, head).
    public static func plan(folder: HFModelFolder, log: (String) -> Void) throws -> [PlannedTensor] {
        let arch = folder.architecture
        var planned: [PlannedTensor] = []
        var sourceOf: [String: String] = [:]
        for name in folder.checkpoint.tensorNames {
            guard let info = folder.checkpoint.info(named: name) else { continue }
            guard let mapping = try arch.mapTensor(name) else {
                log("skipping \(name) (not needed by llama.cpp)")
                continue
            }
            guard [.f32, .f16, .bf16].contains(info.dtype) else {
                throw ConversionError.unsupportedSourceDType(tensor: name, file: info.filePath, dtype: info.dtype.rawValue)
            }
            if let previous = sourceOf[mapping.ggufName] {
                throw ConversionError.duplicateTarget(ggufName: mapping.ggufName, first: previous, second: name)
            }
            sourceOf[mapping.ggufName] = name
            if let permutation = mapping.rowPermutation {
                let rows = info.shape.first ?? 1
                guard permutation.heads > 0, rows % (2 * permutation.heads) == 0 else {
                    throw ConversionError.invalidRowPermutation(tensor: name, rows: rows, heads: permutation.heads)
                }
            }
            let dims = info.shape.isEmpty ? [1] : Array(info.shape.reversed())
            planned.append(PlannedTensor(ggufName: mapping.ggufName, dimensions: dims,
                                         source: .checkpoint(info: info, permutation: mapping.rowPermutation),
                                         targetType: .f32))
        }
        try dropTiedHead(&planned, folder: folder, log: log)
        try checkShapes(planned, architecture: arch, directory: folder.directory)
        for generated in arch.generatedTensors() {
            planned.append(PlannedTensor(ggufName: generated.ggufName, dimensions: generated.dimensions,
                                         source: .generated(values: generated.values), targetType: .f32))
        }
        return planned.sorted { fileOrder($0.ggufName) < fileOrder($1.ggufName) }
    }

    /// `lm_head` duplicates `embed_tokens` when embeddings are tied; llama.cpp then reads
    /// `token_embd` for the output projection, so the copy is left out.
    static func dropTiedHead(_ planned: inout [PlannedTensor], folder: HFModelFolder, log: (String) -> Void) throws {
        guard let headIndex = planned.firstIndex(where: { $0.ggufName == "output.weight" }),
              let embedding = planned.first(where: { $0.ggufName == "token_embd.weight" }),
              case let .checkpoint(headInfo, _) = planned[headIndex].source,
              case let .checkpoint(embeddingInfo, _) = embedding.source else { return }
        let tied = folder.architecture.decoder.tieWordEmbeddings ?? false
        let head = try folder.checkpoint.data(named: headInfo.name)
        let embed = try folder.checkpoint.data(named: embeddingInfo.name)
        var identical = headInfo.dtype == embeddingInfo.dtype && headInfo.shape == embeddingInfo.shape
        if identical, let a = head.baseAddress, let b = embed.baseAddress {
            identical = memcmp(a, b, head.count) == 0
        }
        if identical || tied {
            log(identical ? "lm_head.weight equals model.embed_tokens.weight: writing token_embd only (tied embeddings)"
                : "tie_word_embeddings is set: lm_head.weight is ignored, as Transformers does")
            planned.remove(at: headIndex)
        }
    }

    /// Checks the tensors the architecture's graph reads against the shapes the configuration
    /// implies: required ones must be present, and every one present must have its shape.
    static func checkShapes(_ planned: [PlannedTensor], architecture: ModelArchitecture, directory: String) throws {
        let descriptor = architecture.descriptor
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        let hyper = try ModelHyperParameters(architecture: architecture, source: configPath)
        let byName = Dictionary(planned.map { ($0.ggufName, $0) }, uniquingKeysWith: { a, _ in a })
        func huggingFaceName(_ ggufName: String) -> String {
            descriptor.tensorNames(forGGUF: ggufName, layerCount: hyper.layerCount)?.huggingFaceName ?? ggufName
        }
        guard let embedding = byName["token_embd.weight"] else {
            throw ConversionError.missingTensor(tensor: huggingFaceName("token_embd.weight"), directory: directory)
        }
        let vocab = hyper.vocabularySize ?? embedding.dimensions.last ?? 0
        for expected in descriptor.expectedTensors(hyper, vocabularySize: vocab) {
            guard let tensor = byName[expected.ggufName] else {
                if expected.isRequired {
                    throw ConversionError.missingTensor(tensor: huggingFaceName(expected.ggufName), directory: directory)
                }
                continue
            }
            if tensor.dimensions != expected.dimensions {
                throw ConversionError.shapeMismatch(tensor: tensor.sourceName, file: tensor.sourceFile,
                                                    expected: Array(expected.dimensions.reversed()),
                                                    found: Array(tensor.dimensions.reversed()))
            }
        }
    }

    /// Sort key: globals first, then blocks by number, then the output head.
    static func fileOrder(_ name: String) -> (Int, Int, String) {
        if name.hasPrefix("blk.") {
            let rest = name.dropFirst(4)
            let layer = rest.firstIndex(of: ".").flatMap { Int(rest[rest.startIndex ..< $0]) } ?? 0
            return (1, layer, name)
        }
        switch name {
        case "token_embd.weight": return (0, 0, name)
        case "rope_freqs.weight": return (0, 1, name)
        case "output_norm.weight": return (2, 0, name)
        default: return (2, 1, name)
        }
    }
}
