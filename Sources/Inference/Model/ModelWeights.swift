import Models

/// The tensors of one transformer block, checked against the hyper-parameters.
struct LayerWeights {
    let attentionNorm: [Float]
    /// Q, K and V stacked: output columns `[q | k | v]`.
    let qkv: LinearWeights
    /// Biases for the stacked Q/K/V output (``ArchitectureFeatures/attentionBiases``), zeros
    /// where a part has none.
    let qkvBias: [Float]?
    /// Per-head RMSNorm weights applied to Q and K before RoPE (``ArchitectureFeatures/queryKeyNorms``).
    let queryNorm: [Float]?
    let keyNorm: [Float]?
    let output: LinearWeights
    let outputBias: [Float]?
    let feedForwardNorm: [Float]
    /// Gate and up stacked: output columns `[gate | up]`.
    let gateUp: LinearWeights
    let down: LinearWeights
}

/// Every weight the forward pass reads, loaded from a ``WeightSource``.
///
/// Which optional tensors are read, and whether Q/K norms are required, follows the
/// architecture descriptor's features. Only small vectors are decoded here; matrices stay in
/// their stored encoding until used.
struct ModelWeights {
    let tokenEmbedding: LinearWeights
    let outputNorm: [Float]
    /// `output.weight`, or the token embedding when the model ties them.
    let head: LinearWeights
    let ropeFrequencyFactors: [Float]?
    let layers: [LayerWeights]
    let vocabularySize: Int
    /// The SIMD level the kernels were chosen for.
    let level: Int

    init(source: any WeightSource, roundsActivations: Bool, level: Int) throws(InferenceError) {
        self.level = level
        let hyper = source.hyperParameters
        let location = source.location
        let width = hyper.embeddingLength
        guard let features = hyper.descriptor?.features else {
            throw .unsupportedArchitecture(name: hyper.architecture, source: location)
        }

        let embeddingTensor = try source.require("token_embd.weight")
        guard embeddingTensor.dimensions.count == 2, embeddingTensor.dimensions[1] <= ModelHyperParameters.maximumSize else {
            throw .tensorShapeMismatch(name: embeddingTensor.name, expected: [width, -1],
                                       found: embeddingTensor.dimensions, source: location)
        }
        let embedding = try DecodedTensor(embeddingTensor, columns: width, rows: nil, source: location, level: level)
        vocabularySize = embedding.rows
        tokenEmbedding = LinearWeights(parts: [embedding], roundsActivations: roundsActivations, level: level)
        outputNorm = try Self.vector(source, "output_norm.weight", count: width)
        if let output = try source.tensor(named: "output.weight") {
            head = LinearWeights(parts: [try DecodedTensor(output, columns: width, rows: vocabularySize, source: location,
                                                           level: level)],
                                 roundsActivations: roundsActivations, level: level)
        } else {
            head = tokenEmbedding
        }
        ropeFrequencyFactors = features.contains(.ropeFrequencyFactors)
            ? try Self.optionalVector(source, LlamaFamily.ropeFrequenciesName, count: hyper.ropeDimensionCount / 2) : nil

        var layers: [LayerWeights] = []
        layers.reserveCapacity(hyper.layerCount)
        for layer in 0 ..< hyper.layerCount {
            layers.append(try Self.layer(layer, source: source, hyper: hyper, features: features,
                                         roundsActivations: roundsActivations, level: level))
        }
        self.layers = layers
    }

    private static func layer(_ index: Int, source: any WeightSource, hyper: ModelHyperParameters,
                              features: ArchitectureFeatures, roundsActivations: Bool,
                              level: Int) throws(InferenceError) -> LayerWeights {
        let prefix = "blk.\(index)."
        let location = source.location
        let width = hyper.embeddingLength
        let widths = [hyper.queryWidth(layer: index), hyper.keyWidth(layer: index), hyper.valueWidth(layer: index)]
        let ffn = hyper.feedForwardLengths[index]

        func matrix(_ name: String, columns: Int, rows: Int) throws(InferenceError) -> DecodedTensor {
            try DecodedTensor(source.require(prefix + name), columns: columns, rows: rows, source: location, level: level)
        }

        let qkvNames = ["attn_q", "attn_k", "attn_v"]
        var qkvParts: [DecodedTensor] = []
        var biases: [[Float]?] = []
        for (name, rows) in zip(qkvNames, widths) {
            qkvParts.append(try matrix(name + ".weight", columns: width, rows: rows))
            if features.contains(.attentionBiases) {
                biases.append(try optionalVector(source, prefix + name + ".bias", count: rows))
            }
        }
        var qkvBias: [Float]?
        if biases.contains(where: { $0 != nil }) {
            qkvBias = zip(biases, widths).flatMap { bias, rows in bias ?? [Float](repeating: 0, count: rows) }
        }
        var queryNorm: [Float]?, keyNorm: [Float]?
        if features.contains(.queryKeyNorms) {
            queryNorm = try vector(source, prefix + "attn_q_norm.weight", count: hyper.keyLength)
            keyNorm = try vector(source, prefix + "attn_k_norm.weight", count: hyper.keyLength)
        }
        let outputBias = features.contains(.outputProjectionBias)
            ? try optionalVector(source, prefix + "attn_output.bias", count: width) : nil
        let attentionWidth = hyper.attentionWidth(layer: index)
        return LayerWeights(
            attentionNorm: try vector(source, prefix + "attn_norm.weight", count: width),
            qkv: LinearWeights(parts: qkvParts, roundsActivations: roundsActivations, level: level),
            qkvBias: qkvBias,
            queryNorm: queryNorm,
            keyNorm: keyNorm,
            output: LinearWeights(parts: [try matrix("attn_output.weight", columns: attentionWidth, rows: width)],
                                  roundsActivations: roundsActivations, level: level),
            outputBias: outputBias,
            feedForwardNorm: try vector(source, prefix + "ffn_norm.weight", count: width),
            gateUp: LinearWeights(parts: [try matrix("ffn_gate.weight", columns: width, rows: ffn),
                                          try matrix("ffn_up.weight", columns: width, rows: ffn)],
                                  roundsActivations: roundsActivations, level: level),
            down: LinearWeights(parts: [try matrix("ffn_down.weight", columns: ffn, rows: width)],
                                roundsActivations: roundsActivations, level: level))
    }

    private static func vector(_ source: any WeightSource, _ name: String,
                               count: Int) throws(InferenceError) -> [Float] {
        try DecodedTensor(vector: source.require(name), count: count, source: source.location).floats()
    }

    private static func optionalVector(_ source: any WeightSource, _ name: String,
                                       count: Int) throws(InferenceError) -> [Float]? {
        guard let tensor = try source.tensor(named: name) else { return nil }
        return try DecodedTensor(vector: tensor, count: count, source: source.location).floats()
    }
}
