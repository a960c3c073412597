import Foundation
import SafeTensors

/// The float type written to `model.safetensors`.
public enum ExportDType: String, CaseIterable, Sendable {
    /// bfloat16, rounded to nearest even (what most Hugging Face checkpoints ship).
    case bf16
    /// IEEE half precision, rounded to nearest even; values beyond ±65504 become infinite.
    case f16
    /// The dequantized values exactly.
    case f32

    /// Parses a user-typed name, case-insensitively.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// The safetensors `dtype` string's enum value.
    public var safeTensorsDType: SafeTensorsDType {
        switch self {
        case .bf16: .bf16
        case .f16: .f16
        case .f32: .f32
        }
    }

    /// `config.json`'s `torch_dtype`.
    public var torchDType: String {
        switch self {
        case .bf16: "bfloat16"
        case .f16: "float16"
        case .f32: "float32"
        }
    }

    /// Bytes per element.
    public var byteSize: Int { safeTensorsDType.byteSize }
}

/// How ``GGUFExporter`` writes a Hugging Face folder.
public struct ExportOptions: Sendable {
    /// Element type of every written tensor (BF16 by default, as most checkpoints ship).
    public var dtype: ExportDType
    /// Worker threads for dequantization.
    public var threads: Int
    /// Receives progress and warning lines.
    public var log: @Sendable (String) -> Void
    /// Replace an existing non-empty target folder instead of refusing.
    public var overwrite: Bool
    /// Weights above this many bytes are split into `model-0000i-of-0000n.safetensors` shards.
    public var maxShardBytes: Int

    /// About 2 GB a shard: small enough for any file system and upload limit, large enough to stay few.
    public static let defaultMaxShardBytes = 2_000_000_000

    /// Options with BF16 output, one thread per core, no logging, no overwriting and 2 GB shards.
    public init(dtype: ExportDType = .bf16, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                log: @escaping @Sendable (String) -> Void = { _ in }, overwrite: Bool = false,
                maxShardBytes: Int = ExportOptions.defaultMaxShardBytes) {
        self.dtype = dtype
        self.threads = threads
        self.log = log
        self.overwrite = overwrite
        self.maxShardBytes = maxShardBytes
    }
}

/// What an export wrote.
public struct ExportSummary: Sendable {
    /// The finished folder.
    public var directory: String
    /// `general.architecture` of the source.
    public var architecture: String
    /// The element type of the written tensors.
    public var dtype: ExportDType
    /// Tensors written to safetensors.
    public var tensorCount: Int
    /// Elements over all written tensors.
    public var parameterCount: Int
    /// Bytes of tensor data written (headers excluded).
    public var tensorBytes: Int
    /// File names of the safetensors shards (one name when unsharded).
    public var weightFiles: [String]
    /// Every file in the folder, sorted.
    public var files: [String]
    /// GGUF tensors deliberately left out (e.g. `rope_freqs.weight`).
    public var droppedTensors: [String]
    /// Wall-clock time of the whole export.
    public var seconds: Double
}

extension ExportSummary: CustomStringConvertible {
    /// One line for command-line output.
    public var description: String {
        let files = weightFiles.count == 1 ? weightFiles[0] : "\(weightFiles.count) shards"
        let seconds = String(format: "%.2f", self.seconds)
        return "\(tensorCount) tensors, \(parameterCount) parameters, \(tensorBytes) bytes of \(dtype.rawValue) in \(files) (\(seconds) s)"
    }
}
