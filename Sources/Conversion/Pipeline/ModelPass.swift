import GGUF

/// Where a pass runs in the pipeline. Passes always run in this order, whatever the order of
/// the command-line flags, and each one calibrates on the model as the earlier ones left it:
/// pruning first (later passes should measure the smaller model), then scaling (AWQ folds
/// scales into weights, which changes the activations an importance matrix sees), then the
/// importance matrix, which only annotates tensors for the quantizer.
public enum PassStage: Int, Comparable, CaseIterable, Sendable {
    case pruning
    case scaling
    case importance

    public static func < (lhs: PassStage, rhs: PassStage) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a pass may change. The pipeline checks the declaration after the pass runs, so a pass
/// cannot silently alter what later stages rely on.
public struct PassEffects: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Tensor values (same shapes).
    public static let tensorData = PassEffects(rawValue: 1 << 0)
    /// Tensor shapes (rows or columns removed, tensors dropped).
    public static let tensorShapes = PassEffects(rawValue: 1 << 1)
    /// GGUF metadata (e.g. per-layer head counts).
    public static let metadata = PassEffects(rawValue: 1 << 2)
    /// Per-column importance handed to the quantizer.
    public static let importance = PassEffects(rawValue: 1 << 3)
}

/// What a pass needs before it can run.
public struct PassRequirements: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Activations from running calibration text through the model.
    public static let calibration = PassRequirements(rawValue: 1 << 0)
    /// F32, F16 or BF16 weights (a quantized source already carries rounding error).
    public static let fullPrecisionWeights = PassRequirements(rawValue: 1 << 1)
}

/// Shared settings every pass receives.
public struct PassContext: Sendable {
    public var threads: Int
    public var log: @Sendable (String) -> Void
    /// The type the file type's policy will give a tensor (name, GGUF dimensions), so a pass can
    /// measure the error of the encoding that will actually be written.
    public var plannedType: @Sendable (_ name: String, _ dimensions: [Int]) -> GGMLType
    /// The file type being written.
    public var fileType: FileType
    /// Whether a later pass hands the quantizer importance weights (so a pass measuring
    /// quantization error should quantize the same way).
    public var importanceFollows = false
    /// The last layers of a calibration model that run on the Vulkan device `gpuDevice` (0: the CPU only,
    /// the default: calibration uses a device only when one is named).
    public var gpuLayers = 0
    public var gpuDevice: String?

    public init(threads: Int, log: @escaping @Sendable (String) -> Void, fileType: FileType = .f16,
                plannedType: @escaping @Sendable (String, [Int]) -> GGMLType = { _, _ in .f16 }) {
        self.threads = threads
        self.log = log
        self.fileType = fileType
        self.plannedType = plannedType
    }
}

/// One compression step between reading a model and choosing its tensor types.
///
/// A pass reads and changes the ``ModelView``: tensor values, shapes, metadata, or the
/// importance the quantizer weights errors by. Tensors it does not replace keep streaming
/// from the source untouched (and are copied byte for byte when their type does not change).
public protocol ModelPass {
    /// A short name for logs and errors (`imatrix`, `awq`, `prune-heads`).
    var name: String { get }
    var stage: PassStage { get }
    var requirements: PassRequirements { get }
    var effects: PassEffects { get }
    /// Facts the pass leaves for the type policy and the output metadata (e.g. that an
    /// importance matrix was applied, and its provenance).
    func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome
}

/// What a finished pass reports to the rest of the pipeline.
public struct PassOutcome: Sendable {
    /// Metadata written last, after the file type (llama-quantize's `quantize.imatrix.*` keys).
    public var trailingMetadata: GGUFMetadata
    /// Whether the quantizer now has an importance matrix (some mixes depend on it).
    public var providesImportance: Bool

    public init(trailingMetadata: GGUFMetadata = GGUFMetadata(), providesImportance: Bool = false) {
        self.trailingMetadata = trailingMetadata
        self.providesImportance = providesImportance
    }
}
