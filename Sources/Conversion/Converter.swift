import Foundation
import GGUF
import Models
import Tokenizers

/// How far a conversion has got, reported after every written window of bytes.
public struct ConversionProgress: Sendable {
    public var tensorsDone: Int
    public var tensorCount: Int
    public var bytesDone: Int
    public var bytesTotal: Int
    public var currentTensor: String
    public var elapsed: Double
}

/// What a finished conversion or quantization wrote.
public struct ConversionSummary: Sendable {
    /// The file written, or the first part of a split output.
    public var outputPath: String
    public var fileType: FileType
    public var tensorCount: Int
    public var bytesWritten: Int
    public var parameterCount: Int
    public var seconds: Double
    public var tensors: [PlannedTensor]
    /// Every file written: `[outputPath]`, or all parts of a split output in order.
    public var outputPaths: [String] = []

    /// Bits per weight over all tensors' data.
    public var bitsPerWeight: Double {
        let bytes = tensors.reduce(0) { $0 + $1.targetByteCount }
        return parameterCount > 0 ? Double(bytes * 8) / Double(parameterCount) : 0
    }
}

/// Options shared by ``Converter`` and ``Requantizer``.
public struct ConversionOptions: Sendable {
    public var modelDirectory: String
    public var outputPath: String
    public var fileType: FileType = .f16
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// One type for every quantizable matrix (`--pure`).
    public var pure = false
    /// `--keep <regex>=<type>` overrides, first match wins.
    public var overrides: [TensorTypeOverride] = []
    /// `--output-tensor-type`, `--token-embedding-type`, `--leave-output-tensor`: see ``TensorTypePolicy``.
    public var outputTensorType: GGMLType?
    public var tokenEmbeddingType: GGMLType?
    public var leaveOutputTensor = false
    /// `--include-weights` / `--exclude-weights`: which tensors use the importance matrix.
    public var importanceSelection: ImportanceSelection = .all
    /// `--override-kv KEY=TYPE:VALUE`, applied to the output's metadata in order.
    public var metadataOverrides: [MetadataOverride] = []
    public var preTokenizerOverride: String?
    /// Layers of the calibration passes' model (importance matrix, AWQ, head pruning) on the Vulkan device
    /// `gpuDevice` (0: all on the CPU); see ``PassContext/gpuLayers``.
    public var gpuLayers: Int = 0
    public var gpuDevice: String?
    /// Write llama.cpp's split parts (`--split-max-size`, `--split-max-tensors`); `nil` writes one file.
    public var split: GGUFSplitLimit?
    public var log: @Sendable (String) -> Void = { _ in }
    public var progress: @Sendable (ConversionProgress) -> Void = { _ in }

    public init(modelDirectory: String, outputPath: String) {
        self.modelDirectory = modelDirectory
        self.outputPath = outputPath
    }
}

/// Hugging Face folder → GGUF in one streaming pass, quantizing on the way if asked.
public enum Converter {
    /// Converts `options.modelDirectory`, running `passes` (if any) before the type policy.
    public static func convert(_ options: ConversionOptions, passes: [any ModelPass] = []) throws -> ConversionSummary {
        let folder = try HFModelFolder(directory: options.modelDirectory)
        return try ModelPipeline.run(.huggingFace(folder), passes: passes, options: options)
    }

    /// `general.file_type` for a plan: `auto` reports the float type the weights actually keep.
    static func llamaFileType(_ fileType: FileType, plan: [PlannedTensor]) -> LlamaFileType {
        guard fileType == .auto else { return fileType.llamaFileType }
        let matrixTypes = Set(plan.filter { $0.dimensions.count >= 2 }.map(\.targetType))
        if matrixTypes == [.f32] { return .allF32 }
        if matrixTypes == [.bf16] { return .mostlyBF16 }
        return .mostlyF16
    }

    /// `general.*`, the architecture's hyper-parameters, the file type and the tokenizer,
    /// in the order llama.cpp's converter writes them.
    /// `general.file_type` holds the requested type until the policy has chosen every tensor's.
    static func buildMetadata(folder: HFModelFolder, options: ConversionOptions) throws -> GGUFMetadata {
        let arch = folder.architecture
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string(arch.ggufArchitecture)
        metadata["general.type"] = .string("model")
        metadata["general.name"] = .string(folder.modelName)
        metadata.merge(arch.hyperParameters())
        metadata["general.file_type"] = options.fileType.llamaFileType.metadataValue
        var tokenizerOptions = TokenizerMetadataOptions(log: options.log)
        tokenizerOptions.preTokenizerOverride = options.preTokenizerOverride
        tokenizerOptions.recipe = arch.descriptor.tokenizerRecipe
        tokenizerOptions.checksConverterDigest = true
        let tokenizer = try HFTokenizerLoader.metadata(directory: folder.directory, vocabSize: arch.decoder.vocabSize,
                                                       options: tokenizerOptions)
        metadata.merge(tokenizer)
        return metadata
    }
}
