import Foundation
import SafeTensors

/// The float type written to `model.safetensors`.
public enum ExportDType: String, CaseIterable, Sendable {
    case bf16, f16, f32

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

    /// Transformers' own default shard limit, so exported folders look like hub checkpoints.
    public static let defaultMaxShardBytes = 2_000_000_000

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
    public var seconds: Double
}
