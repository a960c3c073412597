import Dispatch
import Foundation
import GGUF
import Models
import Quantization

/// GGUF → Hugging Face folder: the reverse of `convert`.
///
/// Every tensor is dequantized to F32, its Q/K rows put back in Hugging Face order where
/// llama.cpp reordered them, encoded to the chosen dtype and streamed into safetensors one
/// window at a time, so memory stays bounded whatever the model size. `config.json`,
/// `generation_config.json` and the tokenizer files are rebuilt from the metadata.
///
/// The folder is assembled as `<directory>.partial-XXXXXX` and renamed into place at the
/// end; on any error it is deleted and nothing appears at `directory`.
public enum GGUFExporter {
    /// Exports `ggufPath` into `directory`, which must not exist or be empty unless
    /// `options.overwrite` is set.
    public static func export(ggufPath: String, to directory: String, options: ExportOptions) throws -> ExportSummary {
        let start = DispatchTime.now()
        let log = options.log
        let file: GGUFFile
        do {
            file = try GGUFFile(path: ggufPath)
        } catch {
            throw ExportError.cannotRead(path: ggufPath, reason: "\(error)")
        }
        let reader = GGUFMetadataReader(metadata: file.metadata, source: ggufPath)
        let (descriptor, parameters) = try ExportError.reportingMetadataErrors(path: ggufPath) {
            let archName = try reader.optionalString(GGUFKey.architecture)
            guard let archName, let descriptor = ModelRegistry.descriptor(ggufName: archName) else {
                throw ExportError.unsupportedArchitecture(path: ggufPath, architecture: archName,
                                                          supported: ModelRegistry.ggufNames)
            }
            return (descriptor, try ModelHyperParameters(metadata: file.metadata, source: ggufPath))
        }
        let archName = descriptor.ggufName
        let plan = try TensorPlan(file: file, descriptor: descriptor, parameters: parameters)
        let tokenizer = try ExportError.reportingMetadataErrors(path: ggufPath) {
            try TokenizerMetadata.read(reader, log: log)
        }
        let tokenizerFiles = try tokenizer.map {
            try TokenizerFilesWriter.files($0, contextLength: parameters.contextLength, sourcePath: ggufPath, log: log)
        } ?? []
        if tokenizer == nil { log("warning: the GGUF has no tokenizer metadata; no tokenizer files written") }
        let configs = try ModelConfigFiles(
            descriptor: descriptor, parameters: parameters, plan: plan, tokenizer: tokenizer, dtype: options.dtype,
            llama3Scaling: recoverRopeScaling(file: file, plan: plan, parameters: parameters, log: log),
            path: ggufPath)
        guard options.maxShardBytes > 0 else {
            throw ExportError.cannotWrite(path: directory, reason: "the shard size limit must be positive")
        }

        // Everything that can be checked without writing has been; now build the folder.
        let folder = try OutputFolder(target: directory, overwrite: options.overwrite)
        log("exporting \(plan.tensors.count) tensors of \(archName) to \(folder.target) as \(options.dtype.rawValue)")
        let weights = WeightsWriter(dtype: options.dtype, maxShardBytes: options.maxShardBytes,
                                    dequantizer: TensorDequantizer(threads: options.threads), log: log)
        let written = try weights.write(plan.tensors, from: file, into: folder.partial)
        var files = written.files
        try OutputFolder.writeFile(configs.config().serialized(), to: folder.path("config.json"))
        try OutputFolder.writeFile(configs.generationConfig().serialized(), to: folder.path("generation_config.json"))
        files += ["config.json", "generation_config.json"]
        files += try TokenizerFilesWriter.write(tokenizerFiles, into: folder)
        try folder.commit()

        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return ExportSummary(directory: folder.target, architecture: archName, dtype: options.dtype,
                             tensorCount: plan.tensors.count,
                             parameterCount: plan.tensors.reduce(0) { $0 + $1.elementCount },
                             tensorBytes: written.tensorBytes, weightFiles: written.shardNames,
                             files: files.sorted(), droppedTensors: plan.dropped, seconds: seconds)
    }

    /// llama3 scaling reconstructed from `rope_freqs.weight`; the tensor itself is not exported.
    private static func recoverRopeScaling(file: GGUFFile, plan: TensorPlan, parameters: ModelHyperParameters,
                                           log: (String) -> Void) -> RopeScaling? {
        let name = LlamaFamily.ropeFrequenciesName
        guard plan.dropped.contains(name), parameters.huggingFaceRopeScaling == nil,
              let info = file.tensor(named: name), info.dimensions.count == 1,
              let format = QuantFormats.format(for: info.type) else { return nil }
        let data = file.data(for: info)
        guard data.count == info.byteCount, info.elementCount <= ModelHyperParameters.maximumSize else { return nil }
        var factors = [Float](repeating: 0, count: info.elementCount)
        factors.withUnsafeMutableBufferPointer { format.dequantizeRow(data, into: $0) }
        if let scaling = Llama3RopeRecovery.recover(factors: factors, headDim: parameters.ropeDimensionCount,
                                                    theta: parameters.ropeFreqBase) {
            log("rope_freqs.weight matches llama3 RoPE scaling with factor \(Float(scaling.factor ?? 1)); written to config.json")
            return scaling
        }
        log("warning: rope_freqs.weight does not match llama3 RoPE scaling with the usual parameters; "
            + "config.json has no rope_scaling, so long-context behaviour may differ")
        return nil
    }
}
