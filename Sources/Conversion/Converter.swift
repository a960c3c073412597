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
    public var outputPath: String
    public var fileType: FileType
    public var tensorCount: Int
    public var bytesWritten: Int
    public var parameterCount: Int
    public var seconds: Double
    public var tensors: [PlannedTensor]

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
    public var preTokenizerOverride: String?
    public var log: @Sendable (String) -> Void = { _ in }
    public var progress: @Sendable (ConversionProgress) -> Void = { _ in }

    public init(modelDirectory: String, outputPath: String) {
        self.modelDirectory = modelDirectory
        self.outputPath = outputPath
    }
}

/// Hugging Face folder → GGUF in one streaming pass, quantizing on the way if asked.
public enum Converter {
    public static func convert(_ options: ConversionOptions) throws -> ConversionSummary {
        let folder = try HFModelFolder(directory: options.modelDirectory)
        var plan = try ConversionPlanner.plan(folder: folder, log: options.log)
        let config = folder.architecture.decoder
        let shape = ModelShapeInfo(
            layerCount: config.numHiddenLayers,
            gqaRatio: config.numAttentionHeads / max(config.keyValueHeads, 1),
            tiedEmbeddings: !plan.contains { $0.ggufName == "output.weight" },
            is70BClass: folder.architecture.ggufArchitecture == "llama" && config.numHiddenLayers == 80)
        try applyPolicy(to: &plan, options: options, model: shape)

        let metadata = try buildMetadata(folder: folder, plan: plan, options: options)
        let writer = TensorStreamWriter(threads: options.threads, progress: options.progress)
        let checkpoint = folder.checkpoint
        let (bytes, seconds) = try writer.write(plan: plan, metadata: metadata, to: options.outputPath,
            source: { tensor in
                guard case let .checkpoint(info, _) = tensor.source, let type = tensor.sourceType else {
                    throw ConversionError.missingTensor(tensor: tensor.sourceName, directory: folder.directory)
                }
                return (try checkpoint.data(named: info.name), type)
            },
            release: { tensor in checkpoint.advise(named: tensor.sourceName, willNeed: false) })
        return ConversionSummary(outputPath: options.outputPath, fileType: options.fileType, tensorCount: plan.count,
                                 bytesWritten: bytes, parameterCount: plan.reduce(0) { $0 + $1.elementCount },
                                 seconds: seconds, tensors: plan)
    }

    /// Sets every tensor's type from the file type's policy and logs the fallbacks.
    static func applyPolicy(to plan: inout [PlannedTensor], options: ConversionOptions, model: ModelShapeInfo) throws {
        var policy = TensorTypePolicy(fileType: options.fileType, model: model)
        policy.pure = options.pure
        policy.overrides = options.overrides
        var fallbacks: [String] = []
        for i in plan.indices {
            let decision = policy.decide(TensorRoleInfo(name: plan[i].ggufName, dimensions: plan[i].dimensions),
                                         sourceType: plan[i].sourceType)
            plan[i].targetType = decision.type
            plan[i].fallbackFrom = decision.fallbackFrom
            if let from = decision.fallbackFrom {
                fallbacks.append("\(plan[i].ggufName) (\(from.name) -> \(decision.type.name))")
            }
        }
        if !fallbacks.isEmpty {
            options.log("\(fallbacks.count) tensors fell back to a compatible type (row length not a multiple of the "
                + "block size): " + fallbacks.joined(separator: ", "))
        }
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
    static func buildMetadata(folder: HFModelFolder, plan: [PlannedTensor], options: ConversionOptions) throws -> GGUFMetadata {
        let arch = folder.architecture
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string(arch.ggufArchitecture)
        metadata["general.type"] = .string("model")
        metadata["general.name"] = .string(folder.modelName)
        metadata.merge(arch.hyperParameters())
        metadata["general.file_type"] = llamaFileType(options.fileType, plan: plan).metadataValue
        var tokenizerOptions = TokenizerMetadataOptions(log: options.log)
        tokenizerOptions.preTokenizerOverride = options.preTokenizerOverride
        // llama.cpp's Qwen converters skip LlamaModel's add_prefix_space and vocab-size rules.
        tokenizerOptions.recipe = arch.ggufArchitecture == "llama" ? .llama : .sentencePieceThenBPE
        let tokenizer = try HFTokenizerLoader.metadata(directory: folder.directory, vocabSize: arch.decoder.vocabSize,
                                                       options: tokenizerOptions)
        metadata.merge(tokenizer)
        if plan.contains(where: { $0.targetType.isQuantized }) {
            metadata["general.quantization_version"] = .uint32(2)
        }
        return metadata
    }
}
