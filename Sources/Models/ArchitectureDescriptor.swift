import GGUF

/// Optional parts of the forward pass that an architecture's llama.cpp graph reads.
///
/// Each feature adds tensors to the architecture's name table and shape list; the inference
/// engine loads a feature's tensors only for architectures that have it.
public struct ArchitectureFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Biases on the Q, K and V projections (`attn_q.bias`, `attn_k.bias`, `attn_v.bias`),
    /// used when present.
    public static let attentionBiases = ArchitectureFeatures(rawValue: 1 << 0)
    /// A bias on the attention output projection (`attn_output.bias`), used when present.
    public static let outputProjectionBias = ArchitectureFeatures(rawValue: 1 << 1)
    /// Per-head RMSNorm of Q and K before RoPE (`attn_q_norm.weight`, `attn_k_norm.weight`),
    /// required in every layer.
    public static let queryKeyNorms = ArchitectureFeatures(rawValue: 1 << 2)
    /// Per-pair RoPE frequency divisors (`rope_freqs.weight`), used when present; the converter
    /// computes them from llama3-style `rope_scaling`.
    public static let ropeFrequencyFactors = ArchitectureFeatures(rawValue: 1 << 3)
}

/// A tensor an architecture's llama.cpp graph reads, with the shape the hyper-parameters imply.
public struct ExpectedTensor: Equatable, Sendable {
    public var ggufName: String
    /// GGUF order: the row length (fastest-varying dimension) first.
    public var dimensions: [Int]
    /// Whether llama.cpp refuses a file without it; optional tensors are used when present.
    public var isRequired: Bool

    public init(ggufName: String, dimensions: [Int], isRequired: Bool) {
        self.ggufName = ggufName
        self.dimensions = dimensions
        self.isRequired = isRequired
    }
}

/// Everything ggufkit knows about one llama.cpp architecture, in one place: its names on both
/// sides, its tensor table (both directions), RoPE style, tokenizer recipe, the shape of every
/// tensor, llama.cpp's size class and the optional forward-pass features it uses.
///
/// Conversion, export and inference all read these facts from the descriptor in
/// ``ModelRegistry/descriptors`` rather than deciding them by architecture name. An
/// architecture that the forward pass already supports is one file conforming to this
/// protocol plus one row in that table; members with defaults follow the Llama-style layout
/// shared through ``LlamaFamily``.
public protocol ArchitectureDescriptor: Sendable {
    /// llama.cpp's architecture name (`general.architecture`), e.g. `qwen2`.
    var ggufName: String { get }
    /// `config.json` `architectures` entries that convert to this architecture; export writes the first.
    var huggingFaceNames: [String] { get }
    /// `config.json`'s `model_type`, as export writes it.
    var modelType: String { get }
    /// How llama.cpp's graph rotates Q and K. ``RopeStyle/adjacentPairs`` means the converter
    /// permutes Q/K rows (and biases) out of Hugging Face's half-split order, and export undoes it.
    var ropeStyle: RopeStyle { get }
    /// Which llama.cpp converter's `set_vocab` the tokenizer metadata follows.
    var tokenizerRecipe: VocabRecipe { get }
    /// The optional forward-pass parts this architecture's graph uses.
    var features: ArchitectureFeatures { get }
    /// `config.json` flags the architecture's Transformers config has that a GGUF does not
    /// record, in the order export writes them (after `attention_dropout`).
    var huggingFaceConfigFlags: [(key: String, value: Bool)] { get }

    /// Per-layer tensors: Hugging Face suffix after `model.layers.N.` → GGUF suffix after `blk.N.`.
    var layerTensors: [String: String] { get }
    /// Whole-model tensors: Hugging Face name → GGUF name.
    var globalTensors: [String: String] { get }

    /// The `<arch>.*` hyper-parameter keys llama.cpp reads, from `config.json`.
    func hyperParameterMetadata(_ config: DecoderConfig) -> GGUFMetadata
    /// Tensors the converter writes that have no source tensor.
    func generatedTensors(_ config: DecoderConfig) -> [GeneratedTensor]
    /// Every tensor the graph reads, in llama.cpp's file order, with the shape `hyper` implies;
    /// `vocabularySize` is the token embedding's row count.
    func expectedTensors(_ hyper: ModelHyperParameters, vocabularySize: Int) -> [ExpectedTensor]
    /// llama.cpp's size class (`llm_type`) for a model of this shape, as its loader sets it.
    func sizeClass(of shape: ModelShape) -> ModelSizeClass
}

extension ArchitectureDescriptor {
    public var layerTensors: [String: String] {
        LlamaFamily.layerTensors.filter { LlamaFamily.isUsed(ggufSuffix: $0.value, features: features) }
    }

    public var globalTensors: [String: String] { LlamaFamily.globalTensors }

    public func hyperParameterMetadata(_ config: DecoderConfig) -> GGUFMetadata {
        LlamaFamily.commonHyperParameters(config, arch: ggufName)
    }

    public func generatedTensors(_ config: DecoderConfig) -> [GeneratedTensor] {
        guard features.contains(.ropeFrequencyFactors) else { return [] }
        return LlamaFamily.llama3RopeFactors(config).map { [$0] } ?? []
    }

    public func expectedTensors(_ hyper: ModelHyperParameters, vocabularySize: Int) -> [ExpectedTensor] {
        LlamaFamily.expectedTensors(hyper, vocabularySize: vocabularySize, features: features)
    }

    /// Whether the converter reorders Q/K rows for this architecture (and export restores them).
    public var permutesQueryKey: Bool { ropeStyle == .adjacentPairs }

    /// GGUF tensors the converter derives from `config.json` rather than copies (export leaves them out).
    public var derivedTensorNames: Set<String> {
        features.contains(.ropeFrequencyFactors) ? [LlamaFamily.ropeFrequenciesName] : []
    }
}
