import Models

extension ModelHyperParameters {
    /// The hyper-parameters of a Hugging Face checkpoint, as its GGUF conversion would carry them.
    ///
    /// RoPE always rotates halves here: Hugging Face weights are not permuted, and the
    /// permutation is exactly what lets llama.cpp's `llama` graph rotate adjacent pairs instead.
    public init(architecture: any ModelArchitecture, source: String) throws(InferenceError) {
        let config = architecture.decoder
        let arch = architecture.ggufArchitecture
        guard Self.supportedArchitectures.contains(arch) else {
            throw .unsupportedArchitecture(name: arch, source: source)
        }
        let layers = config.numHiddenLayers
        var scaling = RopeScalingKind.none
        var factor = 1.0
        if let rope = config.ropeScaling, let value = rope.factor {
            switch rope.type {
            case "linear": scaling = .linear; factor = value
            case "yarn": scaling = .yarn; factor = value
            // llama3 scaling reaches the model as the rope_freqs tensor instead.
            case "llama3", "default": break
            default:
                throw .invalidHyperParameter(key: "rope_scaling.rope_type",
                                             reason: "unsupported RoPE scaling '\(rope.type)'", source: source)
            }
        }
        let context = config.maxPositionEmbeddings ?? 0
        self.init(
            architecture: arch, layerCount: layers, embeddingLength: config.hiddenSize,
            feedForwardLengths: Array(repeating: config.intermediateSize, count: max(layers, 0)),
            headCounts: Array(repeating: config.numAttentionHeads, count: max(layers, 0)),
            keyValueHeadCounts: Array(repeating: config.keyValueHeads, count: max(layers, 0)),
            keyLength: config.resolvedHeadDim, valueLength: config.resolvedHeadDim,
            ropeDimensionCount: config.resolvedHeadDim, ropeFreqBase: config.ropeTheta ?? 10000,
            ropeStyle: .halves, ropeScaling: scaling, ropeScalingFactor: factor,
            ropeOriginalContextLength: config.ropeScaling?.originalMaxPositionEmbeddings ?? context,
            yarnBetaFast: config.ropeScaling?.betaFast ?? 32, yarnBetaSlow: config.ropeScaling?.betaSlow ?? 1,
            rmsNormEpsilon: Float(config.rmsNormEps ?? 1e-6), contextLength: context)
        try validate(source: source)
    }
}
