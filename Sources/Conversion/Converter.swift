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

/// What a finished conversion wrote.
public struct ConversionSummary: Sendable {
    public var outputPath: String
    public var tensorCount: Int
    public var bytesWritten: Int
    public var parameterCount: Int
    public var seconds: Double
    public var tensors: [PlannedTensor]
}

/// Options for ``Converter``.
public struct ConversionOptions: Sendable {
    public var modelDirectory: String
    public var outputPath: String
    public var fileType: FileType = .f16
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    public var preTokenizerOverride: String?
    public var log: @Sendable (String) -> Void = { _ in }
    public var progress: @Sendable (ConversionProgress) -> Void = { _ in }

    public init(modelDirectory: String, outputPath: String) {
        self.modelDirectory = modelDirectory
        self.outputPath = outputPath
    }
}

/// Hugging Face folder → GGUF in one streaming pass.
public enum Converter {
    public static func convert(_ options: ConversionOptions) throws -> ConversionSummary {
        let start = DispatchTime.now()
        let folder = try HFModelFolder(directory: options.modelDirectory)
        let policy = TensorTypePolicy(fileType: options.fileType)
        var plan = try ConversionPlanner.plan(folder: folder, log: options.log)
        for i in plan.indices { plan[i].targetType = policy.type(for: plan[i]) }

        let metadata = try buildMetadata(folder: folder, plan: plan, policy: policy, options: options)
        let descriptors = plan.map { GGUFTensorDescriptor(name: $0.ggufName, dimensions: $0.dimensions, type: $0.targetType) }
        let writer = try GGUFWriter(path: options.outputPath, metadata: metadata, tensors: descriptors)

        let encoder = TensorEncoder(threads: options.threads)
        let total = plan.reduce(0) { $0 + ($1.targetType.byteCount(elements: $1.elementCount) ?? 0) }
        var done = 0
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        for (index, tensor) in plan.enumerated() {
            try writer.beginTensor()
            try encoder.encode(tensor, checkpoint: folder.checkpoint) { bytes in
                try writer.appendTensorBytes(bytes)
                done += bytes.count
                options.progress(ConversionProgress(tensorsDone: index, tensorCount: plan.count, bytesDone: done,
                                                    bytesTotal: total, currentTensor: tensor.ggufName, elapsed: elapsed()))
            }
            try writer.endTensor()
        }
        try writer.finish()
        options.progress(ConversionProgress(tensorsDone: plan.count, tensorCount: plan.count, bytesDone: done,
                                            bytesTotal: total, currentTensor: "", elapsed: elapsed()))
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: options.outputPath)[.size] as? Int) ?? done
        return ConversionSummary(outputPath: options.outputPath, tensorCount: plan.count, bytesWritten: fileSize ?? done,
                                 parameterCount: plan.reduce(0) { $0 + $1.elementCount }, seconds: elapsed(), tensors: plan)
    }

    /// `general.*`, the architecture's hyper-parameters, the file type and the tokenizer,
    /// in the order llama.cpp's converter writes them.
    static func buildMetadata(folder: HFModelFolder, plan: [PlannedTensor], policy: TensorTypePolicy,
                              options: ConversionOptions) throws -> GGUFMetadata {
        let arch = folder.architecture
        var metadata = GGUFMetadata()
        metadata["general.architecture"] = .string(arch.ggufArchitecture)
        metadata["general.type"] = .string("model")
        metadata["general.name"] = .string(folder.modelName)
        metadata.merge(arch.hyperParameters())
        metadata["general.file_type"] = .uint32(policy.llamaFileType(for: plan))
        if plan.contains(where: { $0.targetType.isQuantized }) {
            metadata["general.quantization_version"] = .uint32(2)
        }
        var tokenizerOptions = TokenizerMetadataOptions(log: options.log)
        tokenizerOptions.preTokenizerOverride = options.preTokenizerOverride
        let tokenizer = try HFTokenizerLoader.metadata(directory: folder.directory, vocabSize: arch.decoder.vocabSize,
                                                       options: tokenizerOptions)
        metadata.merge(tokenizer)
        return metadata
    }
}
