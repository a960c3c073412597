import FileSupport
import Foundation
import GGUF
import Models
import SafeTensors

/// Weights of a Hugging Face folder (`config.json` + safetensors), renamed to GGUF names.
///
/// Q/K rows stay in Hugging Face order, which is why these hyper-parameters select
/// half-split RoPE (see `ModelHyperParameters.init(architecture:source:)` in Models).
public final class HuggingFaceWeightSource: WeightSource, @unchecked Sendable {
    // @unchecked: immutable after init; the checkpoint and the generated buffers are never written again.
    public let checkpoint: SafeTensorsCheckpoint
    public let architecture: ModelArchitecture
    public let hyperParameters: ModelHyperParameters
    public let location: String
    /// GGUF name → safetensors name.
    private let names: [String: String]
    /// Tensors the converter would synthesise (llama3 `rope_freqs.weight`), kept alive here.
    private let generated: [String: (dimensions: [Int], values: UnsafeMutableBufferPointer<Float>)]

    public init(directory: String) throws(InferenceError) {
        location = directory
        let configPath = URL(fileURLWithPath: directory).appendingPathComponent("config.json").path
        do {
            guard let json = readWholeFile(atPath: configPath) else {
                throw FileSupportError.cannotOpen(path: configPath, reason: String(cString: strerror(errno)))
            }
            architecture = try ModelRegistry.load(configJSON: json, path: configPath)
        } catch {
            throw .cannotOpen(path: configPath, reason: "\(error)")
        }
        do {
            checkpoint = try SafeTensorsCheckpoint(directory: directory)
        } catch {
            throw .cannotOpen(path: directory, reason: "\(error)")
        }
        do {
            hyperParameters = try ModelHyperParameters(architecture: architecture, source: configPath)
        } catch {
            throw InferenceError(error)
        }

        var names: [String: String] = [:]
        for name in checkpoint.tensorNames {
            // Tensors the table does not know are not needed for inference; a needed one that
            // is absent is reported by name when it is asked for.
            if let mapping = try? architecture.mapTensor(name) { names[mapping.ggufName] = name }
        }
        self.names = names
        var generated: [String: (dimensions: [Int], values: UnsafeMutableBufferPointer<Float>)] = [:]
        for tensor in architecture.generatedTensors() {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: tensor.values.count)
            _ = buffer.initialize(from: tensor.values)
            generated[tensor.ggufName] = (tensor.dimensions, buffer)
        }
        self.generated = generated
    }

    deinit {
        for (_, entry) in generated { entry.values.deallocate() }
    }

    public func tensor(named name: String) throws(InferenceError) -> WeightTensor? {
        if let entry = generated[name] {
            return WeightTensor(name: name, type: .f32, dimensions: entry.dimensions,
                                bytes: UnsafeRawBufferPointer(entry.values))
        }
        guard let sourceName = names[name], let info = checkpoint.info(named: sourceName) else { return nil }
        let type: GGMLType
        switch info.dtype {
        case .f32: type = .f32
        case .f16: type = .f16
        case .bf16: type = .bf16
        default:
            throw .unsupportedTensorType(name: sourceName, type: info.dtype.rawValue, source: location)
        }
        let bytes: UnsafeRawBufferPointer
        do {
            bytes = try checkpoint.data(named: sourceName)
        } catch {
            throw .cannotOpen(path: info.filePath, reason: "\(error)")
        }
        let dimensions = info.shape.isEmpty ? [1] : Array(info.shape.reversed())
        return WeightTensor(name: name, type: type, dimensions: dimensions, bytes: bytes)
    }

    public func releasePages(of name: String) {
        if let sourceName = names[name] { checkpoint.advise(named: sourceName, willNeed: false) }
    }
}
