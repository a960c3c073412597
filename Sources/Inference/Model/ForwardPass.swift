/// The decoder stack run over one ``TokenBatch``: every token of the batch goes through each
/// layer together, so weight matrices are applied as large matrix products.
struct ForwardPass {
    let hyper: ModelHyperParameters
    let weights: ModelWeights
    let rope: Rope
    let context: ComputeContext
    /// The last layers, when they run on a GPU (``InferenceOptions/gpuLayers``).
    var gpu: GPULayers?

    var parallel: Parallel { context.parallel }
    var workspace: Workspace { context.workspace }

    /// Runs every layer and returns the final residual stream, `rowCount × embeddingLength`
    /// floats valid until the next pass. With `cache`, each segment's keys and values are
    /// stored at their positions and attention also sees the positions stored earlier;
    /// without it every segment must start at position 0.
    ///
    /// `layers` runs only some layers; `residual` (`rowCount × embeddingLength` floats) then
    /// replaces the token embeddings as the stream entering the first of them.
    func run(_ batch: TokenBatch, cache: KeyValueCache?, layers: Range<Int>? = nil,
             residual: UnsafePointer<Float>? = nil) throws(InferenceError) -> UnsafeMutablePointer<Float> {
        let rows = batch.rowCount
        let width = hyper.embeddingLength
        let x = try workspace.floats(.residual, count: Workspace.product(rows, width, what: "activations"))
        if let residual {
            x.update(from: residual, count: rows * width)
        } else {
            let tokenEmbedding = weights.tokenEmbedding
            batch.tokens.withUnsafeBufferPointer { tokens in
                parallel.forEachSlice(rows, grain: 4) { slice, _ in
                    for row in slice { tokenEmbedding.decodeRow(Int(tokens[row]), into: x + row * width) }
                }
            }
        }
        let pairs = rope.dimensions / 2
        let cosines = try workspace.floats(.ropeCos, count: Workspace.product(rows, pairs, what: "RoPE table"))
        let sines = try workspace.floats(.ropeSin, count: rows * pairs)
        rope.table(positions: batch.positions, parallel: parallel, cos: cosines, sin: sines)
        let tables = RopeTables(cos: cosines, sin: sines, pairs: pairs)

        let range = layers ?? 0 ..< hyper.layerCount
        var layer = range.lowerBound
        while layer < range.upperBound {
            if let gpu, gpu.layers.contains(layer) {
                // Consecutive GPU layers run back to back on the device: the stream crosses the bus once.
                let end = min(range.upperBound, gpu.layers.upperBound)
                try gpu.run(layer ..< end, batch: batch, x: x, rope: tables, cache: cache, tap: context.tap)
                layer = end
                continue
            }
            try attentionBlock(layer, batch: batch, x: x, rope: tables, cache: cache)
            try feedForwardBlock(layer, rows: rows, x: x)
            layer += 1
        }
        return x
    }

    /// RMSNorm of each row of `x` (embedding width) times `weight`, into `output`.
    func normalizeRows(_ x: UnsafePointer<Float>, rows: Int, weight: [Float], into output: UnsafeMutablePointer<Float>) {
        let width = hyper.embeddingLength
        let epsilon = hyper.rmsNormEpsilon
        weight.withUnsafeBufferPointer { weight in
            parallel.forEachSlice(rows, grain: 8) { slice, _ in
                for row in slice {
                    VectorMath.rmsNorm(x + row * width, weight: weight.baseAddress!, count: width, epsilon: epsilon,
                                       output: output + row * width)
                }
            }
        }
    }
}

/// cos and sin of every row's RoPE angles, `pairs` per row.
struct RopeTables {
    let cos: UnsafeMutablePointer<Float>
    let sin: UnsafeMutablePointer<Float>
    let pairs: Int
}
