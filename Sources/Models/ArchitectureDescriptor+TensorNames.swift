/// One tensor's names on both sides of an architecture's table.
public struct TensorNames: Equatable, Sendable {
    public var huggingFaceName: String
    public var ggufName: String
    /// The layer of a per-layer tensor, `nil` for whole-model tensors.
    public var layer: Int?
    /// The GGUF name after `blk.N.` for per-layer tensors, the whole name otherwise.
    public var ggufSuffix: String

    public init(huggingFaceName: String, ggufName: String, layer: Int?, ggufSuffix: String) {
        self.huggingFaceName = huggingFaceName
        self.ggufName = ggufName
        self.layer = layer
        self.ggufSuffix = ggufSuffix
    }
}

extension ArchitectureDescriptor {
    /// The names of a Hugging Face tensor, `nil` for tensors dropped on purpose (rotary caches).
    ///
    /// Throws ``ModelsError/unexpectedTensor(name:architecture:)`` for names the table lacks
    /// and for layers at or past `layerCount`, so a checkpoint with surprises never converts silently.
    public func tensorNames(forHuggingFace name: String, layerCount: Int) throws(ModelsError) -> TensorNames? {
        if LlamaFamily.isIgnored(name) { return nil }
        if let global = globalTensors[name] {
            return TensorNames(huggingFaceName: name, ggufName: global, layer: nil, ggufSuffix: global)
        }
        if let (layer, suffix) = LlamaFamily.splitLayer(name, prefix: "model.layers."), layer < layerCount,
           let mapped = layerTensors[suffix] {
            return TensorNames(huggingFaceName: name, ggufName: "blk.\(layer).\(mapped)", layer: layer, ggufSuffix: mapped)
        }
        throw .unexpectedTensor(name: name, architecture: ggufName)
    }

    /// The GGUF name of a Hugging Face tensor and the row permutation it gets on the way.
    public func tensorMapping(forHuggingFace name: String, config: DecoderConfig) throws(ModelsError) -> TensorMapping? {
        guard let names = try tensorNames(forHuggingFace: name, layerCount: config.numHiddenLayers) else { return nil }
        let layer = names.layer ?? 0
        let permutation = rowPermutation(forGGUFSuffix: names.ggufSuffix, headCount: config.headCounts[layer],
                                         keyValueHeadCount: config.keyValueHeadCounts[layer])
        return TensorMapping(ggufName: names.ggufName, rowPermutation: permutation)
    }

    /// The names of a GGUF tensor, or `nil` when the table has none for it. `blk.N` indices must
    /// be plain decimal and below `layerCount`, as the converter would have written them.
    public func tensorNames(forGGUF name: String, layerCount: Int) -> TensorNames? {
        if let global = globalTensors.first(where: { $0.value == name }) {
            return TensorNames(huggingFaceName: global.key, ggufName: name, layer: nil, ggufSuffix: name)
        }
        guard let (layer, suffix) = LlamaFamily.splitLayer(name, prefix: "blk."), layer < layerCount,
              let hf = layerTensors.first(where: { $0.value == suffix })?.key else { return nil }
        return TensorNames(huggingFaceName: "model.layers.\(layer).\(hf)", ggufName: name, layer: layer,
                           ggufSuffix: suffix)
    }

    /// The Q/K row permutation between Hugging Face's half-split order and this architecture's
    /// GGUF order for a per-layer tensor (weights and biases of `attn_q` and `attn_k`), or `nil`.
    public func rowPermutation(forGGUFSuffix suffix: String, headCount: Int,
                               keyValueHeadCount: Int) -> RowPermutation? {
        guard permutesQueryKey else { return nil }
        switch suffix {
        case "attn_q.weight", "attn_q.bias": return RowPermutation(heads: headCount)
        case "attn_k.weight", "attn_k.bias": return RowPermutation(heads: keyValueHeadCount)
        default: return nil
        }
    }
}
