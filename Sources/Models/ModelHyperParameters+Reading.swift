import GGUF

extension ModelHyperParameters {
    /// Reads the `<arch>.*` keys llama.cpp reads, with llama.cpp's defaults for optional ones,
    /// and validates them. RoPE style comes from the architecture's descriptor, as the rows of
    /// a GGUF's Q/K tensors are stored in that architecture's order.
    ///
    /// `source` names the file in errors.
    public init(metadata: GGUFMetadata, source: String) throws(ModelsError) {
        let reader = GGUFMetadataReader(metadata: metadata, source: source)
        let arch = try reader.string(GGUFKey.architecture)
        guard let descriptor = ModelRegistry.descriptor(ggufName: arch) else {
            throw .unsupportedArchitecture(path: source, found: [arch], supported: ModelRegistry.ggufNames)
        }
        let layers = try reader.count(GGUFKey.blockCount(arch), max: Self.maximumLayerCount)
        guard layers > 0 else {
            throw .invalidMetadata(source: source, key: GGUFKey.blockCount(arch),
                                   reason: "must be in 1...\(Self.maximumLayerCount)")
        }
        let embedding = try reader.count(GGUFKey.embeddingLength(arch), max: Self.maximumSize)
        let ffn = try reader.perLayer(GGUFKey.feedForwardLength(arch), layers: layers)
        let heads = try reader.perLayer(GGUFKey.attentionHeadCount(arch), layers: layers)
        let kvKey = GGUFKey.attentionHeadCountKV(arch)
        let kvHeads = reader.has(kvKey) ? try reader.perLayer(kvKey, layers: layers) : heads
        guard let firstHeads = heads.first, firstHeads > 0 else {
            throw .invalidMetadata(source: source, key: GGUFKey.attentionHeadCount(arch), reason: "must be positive")
        }
        // llama.cpp derives the head width by integer division when the file does not state it.
        let keyLength = try reader.optionalCount(GGUFKey.attentionKeyLength(arch)) ?? embedding / firstHeads
        let valueLength = try reader.optionalCount(GGUFKey.attentionValueLength(arch)) ?? keyLength
        let ropeDims = try reader.optionalCount(GGUFKey.ropeDimensionCount(arch)) ?? keyLength
        let context = try reader.optionalCount(GGUFKey.contextLength(arch))

        // llama.cpp: the scaling type defaults to linear, whose factor defaults to 1 (none).
        let scalingName = try reader.optionalString(GGUFKey.ropeScalingType(arch)) ?? "linear"
        guard let scaling = RopeScalingKind(rawValue: scalingName) else {
            throw .invalidMetadata(source: source, key: GGUFKey.ropeScalingType(arch),
                                   reason: "unsupported RoPE scaling '\(scalingName)'")
        }
        let legacyFactor = try reader.optionalDouble("\(arch).rope.scale_linear")
        var factor = try reader.optionalDouble(GGUFKey.ropeScalingFactor(arch)) ?? legacyFactor ?? 0
        if factor == 0 || scaling == .none { factor = 1 }

        self.init(
            architecture: arch, layerCount: layers, embeddingLength: embedding, feedForwardLengths: ffn,
            headCounts: heads, keyValueHeadCounts: kvHeads, keyLength: keyLength, valueLength: valueLength,
            ropeDimensionCount: ropeDims,
            ropeFreqBase: try reader.optionalDouble(GGUFKey.ropeFreqBase(arch)) ?? 10000,
            ropeStyle: descriptor.ropeStyle,
            ropeScaling: factor == 1 && scaling == .linear ? .none : scaling,
            ropeScalingFactor: factor,
            ropeOriginalContextLength: try reader.optionalCount(GGUFKey.ropeScalingOriginalContextLength(arch))
                ?? context ?? 0,
            yarnBetaFast: try reader.optionalDouble("\(arch).rope.scaling.yarn_beta_fast") ?? 32,
            yarnBetaSlow: try reader.optionalDouble("\(arch).rope.scaling.yarn_beta_slow") ?? 1,
            ropeAttentionFactor: try reader.optionalDouble("\(arch).rope.scaling.attn_factor") ?? 1,
            rmsNormEpsilon: Float(try reader.double(GGUFKey.attentionLayerNormRMSEpsilon(arch))),
            contextLength: context,
            vocabularySize: try reader.optionalCount(GGUFKey.vocabSize(arch), max: Self.maximumSize))
        try validate(source: source)
    }

    /// The hyper-parameters of a Hugging Face checkpoint, read back from the metadata its
    /// conversion writes (``ModelArchitecture/hyperParameters()``), so a folder runs exactly
    /// as its GGUF would.
    ///
    /// RoPE always rotates halves here: Hugging Face weights are not permuted, and the
    /// permutation is exactly what lets llama.cpp's `llama` graph rotate adjacent pairs instead.
    public init(architecture: ModelArchitecture, source: String) throws(ModelsError) {
        var metadata = architecture.hyperParameters()
        metadata[GGUFKey.architecture] = .string(architecture.ggufArchitecture)
        try self.init(metadata: metadata, source: source)
        ropeStyle = .halves
    }

    /// `config.json`'s `rope_scaling` for the scaling these keys carry (`nil` when unscaled;
    /// llama3 scaling travels as the `rope_freqs` tensor instead).
    public var huggingFaceRopeScaling: RopeScaling? {
        switch ropeScaling {
        case .none: nil
        case .linear: RopeScaling(type: "linear", factor: ropeScalingFactor)
        case .yarn: RopeScaling(type: "yarn", factor: ropeScalingFactor,
                                originalMaxPositionEmbeddings: ropeOriginalContextLength)
        }
    }
}
