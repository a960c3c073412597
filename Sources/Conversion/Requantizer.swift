import Foundation
import GGUF

/// GGUF → GGUF with a new file type (llama-quantize's job): metadata copied, tensors
/// re-encoded through F32 by the same policy `convert` uses.
public enum Requantizer {
    public static func quantize(inputPath: String, _ options: ConversionOptions) throws -> ConversionSummary {
        let input = try GGUFFile(path: inputPath)
        guard options.fileType != .auto else {
            throw ConversionError.invalidOption("quantize needs an explicit file type, not auto")
        }
        var plan = input.tensors.map { info in
            PlannedTensor(ggufName: info.name, dimensions: info.dimensions, source: .gguf(info: info, path: inputPath),
                          targetType: info.type)
        }
        let arch = input.metadata["general.architecture"]?.stringValue ?? "llama"
        let layers = input.metadata["\(arch).block_count"]?.intValue ?? 0
        let heads = input.metadata["\(arch).attention.head_count"]?.intValue ?? 1
        let kvHeads = input.metadata["\(arch).attention.head_count_kv"]?.intValue ?? heads
        let shape = ModelShapeInfo(layerCount: layers, gqaRatio: heads / max(kvHeads, 1),
                                   tiedEmbeddings: input.tensor(named: "output.weight") == nil,
                                   is70BClass: arch == "llama" && layers == 80)
        try Converter.applyPolicy(to: &plan, options: options, model: shape)

        var metadata = input.metadata
        metadata["general.file_type"] = options.fileType.llamaFileType.metadataValue
        if plan.contains(where: { $0.targetType.isQuantized }) {
            metadata["general.quantization_version"] = .uint32(2)
        } else {
            metadata["general.quantization_version"] = nil
        }
        let writer = TensorStreamWriter(threads: options.threads, progress: options.progress)
        let (bytes, seconds) = try writer.write(plan: plan, metadata: metadata, to: options.outputPath,
            source: { tensor in
                guard case let .gguf(info, _) = tensor.source else {
                    throw ConversionError.invalidOption("tensor \(tensor.ggufName) has no GGUF source")
                }
                return (input.data(for: info), info.type)
            },
            release: { tensor in
                if case let .gguf(info, _) = tensor.source { input.advise(info, willNeed: false) }
            })
        return ConversionSummary(outputPath: options.outputPath, fileType: options.fileType, tensorCount: plan.count,
                                 bytesWritten: bytes, parameterCount: plan.reduce(0) { $0 + $1.elementCount },
                                 seconds: seconds, tensors: plan)
    }
}
