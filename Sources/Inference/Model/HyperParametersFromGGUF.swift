import GGUF

extension ModelHyperParameters {
    /// The architectures this engine runs, by `general.architecture`.
    public static let supportedArchitectures = ["llama", "qwen2", "qwen3"]

    /// Reads the `<arch>.*` keys llama.cpp reads, with llama.cpp's defaults for optional ones.
    ///
    /// `source` names the file in errors.
    public init(metadata: GGUFMetadata, source: String) throws(InferenceError) {
        let reader = MetadataReader(metadata: metadata, source: source)
        let arch = try reader.string(GGUFKey.architecture)
        guard Self.supportedArchitectures.contains(arch) else {
            throw .unsupportedArchitecture(name: arch, source: source)
        }
        let layers = try reader.integer(GGUFKey.blockCount(arch))
        guard (1 ... 100_000).contains(layers) else {
            throw .invalidHyperParameter(key: GGUFKey.blockCount(arch), reason: "must be in 1...100000", source: source)
        }
        let embedding = try reader.integer(GGUFKey.embeddingLength(arch))
        let ffn = try reader.perLayer(GGUFKey.feedForwardLength(arch), layers: layers)
        let heads = try reader.perLayer(GGUFKey.attentionHeadCount(arch), layers: layers)
        let kvKey = GGUFKey.attentionHeadCountKV(arch)
        let kvHeads = metadata[kvKey] == nil ? heads : try reader.perLayer(kvKey, layers: layers)
        guard let firstHeads = heads.first, firstHeads > 0 else {
            throw .invalidHyperParameter(key: GGUFKey.attentionHeadCount(arch), reason: "must be positive", source: source)
        }
        let keyLength = try reader.optionalInteger(GGUFKey.attentionKeyLength(arch)) ?? embedding / firstHeads
        let valueLength = try reader.optionalInteger(GGUFKey.attentionValueLength(arch)) ?? keyLength
        let ropeDims = try reader.optionalInteger(GGUFKey.ropeDimensionCount(arch)) ?? keyLength
        let context = try reader.optionalInteger(GGUFKey.contextLength(arch)) ?? 0

        // llama.cpp: the scaling type defaults to linear, whose factor defaults to 1 (none).
        let scalingName = try reader.optionalString(GGUFKey.ropeScalingType(arch)) ?? "linear"
        guard let scaling = RopeScalingKind(rawValue: scalingName) else {
            throw .invalidHyperParameter(key: GGUFKey.ropeScalingType(arch),
                                         reason: "unsupported RoPE scaling '\(scalingName)'", source: source)
        }
        let legacyFactor = try reader.optionalDouble("\(arch).rope.scale_linear")
        var factor = try reader.optionalDouble(GGUFKey.ropeScalingFactor(arch)) ?? legacyFactor ?? 0
        if factor == 0 || scaling == .none { factor = 1 }

        self.init(
            architecture: arch, layerCount: layers, embeddingLength: embedding, feedForwardLengths: ffn,
            headCounts: heads, keyValueHeadCounts: kvHeads, keyLength: keyLength, valueLength: valueLength,
            ropeDimensionCount: ropeDims,
            ropeFreqBase: try reader.optionalDouble(GGUFKey.ropeFreqBase(arch)) ?? 10000,
            ropeStyle: arch == "llama" ? .adjacentPairs : .halves,
            ropeScaling: factor == 1 && scaling == .linear ? .none : scaling,
            ropeScalingFactor: factor,
            ropeOriginalContextLength: try reader.optionalInteger(GGUFKey.ropeScalingOriginalContextLength(arch)) ?? context,
            yarnBetaFast: try reader.optionalDouble("\(arch).rope.scaling.yarn_beta_fast") ?? 32,
            yarnBetaSlow: try reader.optionalDouble("\(arch).rope.scaling.yarn_beta_slow") ?? 1,
            ropeAttentionFactor: try reader.optionalDouble("\(arch).rope.scaling.attn_factor") ?? 1,
            rmsNormEpsilon: Float(try reader.double(GGUFKey.attentionLayerNormRMSEpsilon(arch))),
            contextLength: context)
        try validate(source: source)
    }
}

/// Typed access to metadata values with errors that name the key.
private struct MetadataReader {
    let metadata: GGUFMetadata
    let source: String

    func value(_ key: String) throws(InferenceError) -> GGUFValue {
        guard let value = metadata[key] else { throw .missingMetadata(key: key, source: source) }
        return value
    }

    func string(_ key: String) throws(InferenceError) -> String {
        guard let text = try value(key).stringValue else { throw wrongType(key, "a string") }
        return text
    }

    func optionalString(_ key: String) throws(InferenceError) -> String? {
        metadata[key] == nil ? nil : try string(key)
    }

    func integer(_ key: String) throws(InferenceError) -> Int {
        guard let number = try value(key).intValue else { throw wrongType(key, "an integer") }
        return number
    }

    func optionalInteger(_ key: String) throws(InferenceError) -> Int? {
        metadata[key] == nil ? nil : try integer(key)
    }

    func double(_ key: String) throws(InferenceError) -> Double {
        guard let number = try value(key).doubleValue else { throw wrongType(key, "a number") }
        return number
    }

    func optionalDouble(_ key: String) throws(InferenceError) -> Double? {
        metadata[key] == nil ? nil : try double(key)
    }

    /// A scalar (same for every layer) or an array with exactly one integer per layer.
    func perLayer(_ key: String, layers: Int) throws(InferenceError) -> [Int] {
        let raw = try value(key)
        if let single = raw.intValue { return Array(repeating: single, count: layers) }
        guard let items = raw.arrayValue else { throw wrongType(key, "an integer or an array of integers") }
        guard items.count == layers else {
            throw .invalidHyperParameter(key: key, reason: "array has \(items.count) values for \(layers) layers",
                                         source: source)
        }
        var values: [Int] = []
        values.reserveCapacity(layers)
        for item in items {
            guard let number = item.intValue else { throw wrongType(key, "an array of integers") }
            values.append(number)
        }
        return values
    }

    private func wrongType(_ key: String, _ expected: String) -> InferenceError {
        .invalidHyperParameter(key: key, reason: "must be \(expected)", source: source)
    }
}
