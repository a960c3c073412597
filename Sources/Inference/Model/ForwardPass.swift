/// The decoder stack run over one ``TokenBatch``: every token of the batch goes through each
/// layer together, so weight matrices are applied as large matrix products.
struct ForwardPass {
    let hyper: ModelHyperParameters
    let weights: ModelWeights
    let rope: Rope
    let context: ComputeContext

    /// Rows of the FFN processed at once: keeps the gate/up activations in cache-sized pieces.
    private static let feedForwardSliceFloats = 1 << 20

    private var parallel: Parallel { context.parallel }
    private var workspace: Workspace { context.workspace }

    /// Runs every layer and returns the final residual stream, `rowCount × embeddingLength`
    /// floats valid until the next pass. With `cache`, each segment's keys and values are
    /// stored at their positions and attention also sees the positions stored earlier;
    /// without it every segment must start at position 0.
    func run(_ batch: TokenBatch, cache: KeyValueCache?) throws(InferenceError) -> UnsafeMutablePointer<Float> {
        let rows = batch.rowCount
        let width = hyper.embeddingLength
        let x = try workspace.floats(.residual, count: Workspace.product(rows, width, what: "activations"))
        let tokenEmbedding = weights.tokenEmbedding
        batch.tokens.withUnsafeBufferPointer { tokens in
            parallel.forEachSlice(rows, grain: 4) { slice, _ in
                for row in slice { tokenEmbedding.decodeRow(Int(tokens[row]), into: x + row * width) }
            }
        }
        let pairs = rope.dimensions / 2
        let cosines = try workspace.floats(.ropeCos, count: Workspace.product(rows, pairs, what: "RoPE table"))
        let sines = try workspace.floats(.ropeSin, count: rows * pairs)
        rope.table(positions: batch.positions, parallel: parallel, cos: cosines, sin: sines)
        let tables = RopeTables(cos: cosines, sin: sines, pairs: pairs)

        for layer in 0 ..< hyper.layerCount {
            try attentionBlock(layer, batch: batch, x: x, rope: tables, cache: cache)
            try feedForwardBlock(layer, rows: rows, x: x)
        }
        return x
    }

    // MARK: - Attention

    private struct RopeTables {
        let cos: UnsafeMutablePointer<Float>
        let sin: UnsafeMutablePointer<Float>
        let pairs: Int
    }

    private func attentionBlock(_ layer: Int, batch: TokenBatch, x: UnsafeMutablePointer<Float>,
                                rope tables: RopeTables, cache: KeyValueCache?) throws(InferenceError) {
        let weights = self.weights.layers[layer]
        let rows = batch.rowCount
        let width = hyper.embeddingLength
        let queryWidth = hyper.queryWidth(layer: layer)
        let keyWidth = hyper.keyWidth(layer: layer)
        let valueWidth = hyper.valueWidth(layer: layer)
        let stride = queryWidth + keyWidth + valueWidth
        let heads = hyper.headCounts[layer]
        let kvHeads = hyper.keyValueHeadCounts[layer]
        let keyLength = hyper.keyLength
        let epsilon = hyper.rmsNormEpsilon

        let normed = try workspace.floats(.normed, count: rows * width)
        normalizeRows(x, rows: rows, weight: weights.attentionNorm, into: normed)
        let qkv = try workspace.floats(.qkv, count: Workspace.product(rows, stride, what: "Q/K/V activations"))
        try weights.qkv.apply(normed, count: rows, inputStride: width, into: qkv, outputStride: stride,
                              accumulate: false, context: context)

        // Bias, per-head norms, RoPE and the cache copy touch each row on its own.
        let rope = self.rope
        let positions = batch.positions
        withOptionalPointers(weights.qkvBias, weights.queryNorm, weights.keyNorm) { bias, queryNorm, keyNorm in
            parallel.forEachSlice(rows, grain: 4) { slice, _ in
                for row in slice {
                    let q = qkv + row * stride
                    let k = q + queryWidth
                    if let bias { VectorMath.add(bias, to: q, count: stride) }
                    if let queryNorm {
                        for head in 0 ..< heads {
                            VectorMath.rmsNorm(q + head * keyLength, weight: queryNorm, count: keyLength,
                                               epsilon: epsilon, output: q + head * keyLength)
                        }
                    }
                    if let keyNorm {
                        for head in 0 ..< kvHeads {
                            VectorMath.rmsNorm(k + head * keyLength, weight: keyNorm, count: keyLength,
                                               epsilon: epsilon, output: k + head * keyLength)
                        }
                    }
                    let cos = tables.cos + row * tables.pairs, sin = tables.sin + row * tables.pairs
                    rope.apply(q, heads: heads, headStride: keyLength, cos: cos, sin: sin)
                    rope.apply(k, heads: kvHeads, headStride: keyLength, cos: cos, sin: sin)
                    if let cache {
                        let position = positions[row]
                        (cache.keys[layer] + position * keyWidth).update(from: k, count: keyWidth)
                        (cache.values[layer] + position * valueWidth).update(from: k + keyWidth, count: valueWidth)
                    }
                }
            }
        }

        let attentionWidth = hyper.attentionWidth(layer: layer)
        let attended = try workspace.floats(.attention, count: Workspace.product(rows, attentionWidth,
                                                                                  what: "attention output"))
        try attend(layer, batch: batch, qkv: qkv, stride: stride, cache: cache, into: attended)
        try weights.output.apply(attended, count: rows, inputStride: attentionWidth, into: x, outputStride: width,
                                 accumulate: true, context: context)
        if let bias = weights.outputBias {
            bias.withUnsafeBufferPointer { bias in
                parallel.forEachSlice(rows, grain: 16) { slice, _ in
                    for row in slice { VectorMath.add(bias.baseAddress!, to: x + row * width, count: width) }
                }
            }
        }
    }

    /// Attention for every (segment, head) pair, spread over the workers.
    private func attend(_ layer: Int, batch: TokenBatch, qkv: UnsafeMutablePointer<Float>, stride: Int,
                        cache: KeyValueCache?, into output: UnsafeMutablePointer<Float>) throws(InferenceError) {
        let heads = hyper.headCounts[layer]
        let group = heads / hyper.keyValueHeadCounts[layer]
        let keyLength = hyper.keyLength, valueLength = hyper.valueLength
        let queryWidth = hyper.queryWidth(layer: layer), keyWidth = hyper.keyWidth(layer: layer)
        let outputStride = hyper.attentionWidth(layer: layer)
        let segments = batch.segments
        let longest = segments.map { $0.firstPosition + $0.count }.max() ?? 0
        let perWorker = AttentionHead.scratchCount(keys: longest)
        let scratch = try workspace.floats(.scores, count: Workspace.product(perWorker, parallel.threads,
                                                                              what: "attention scores"))
        let scale = 1 / Float(keyLength).squareRoot()

        parallel.forEachTask(segments.count * heads) { task, worker in
            let segment = segments[task / heads]
            let head = task % heads
            let kvHead = head / group
            let firstRow = qkv + segment.firstRow * stride
            var keys = UnsafePointer(firstRow + queryWidth + kvHead * keyLength)
            var values = UnsafePointer(firstRow + queryWidth + keyWidth + kvHead * valueLength)
            var keyStride = stride, valueStride = stride
            if let cache {
                keys = UnsafePointer(cache.keys[layer] + kvHead * keyLength)
                values = UnsafePointer(cache.values[layer] + kvHead * valueLength)
                keyStride = cache.keyWidths[layer]
                valueStride = cache.valueWidths[layer]
            }
            let attention = AttentionHead(
                query: firstRow + head * keyLength, queryStride: stride, rows: segment.count,
                firstPosition: segment.firstPosition, keys: keys, keyStride: keyStride,
                values: values, valueStride: valueStride, keyLength: keyLength, valueLength: valueLength,
                scale: scale, output: output + segment.firstRow * outputStride + head * valueLength,
                outputStride: outputStride)
            attention.run(scratch: scratch + worker * perWorker)
        }
    }

    // MARK: - Feed-forward

    private func feedForwardBlock(_ layer: Int, rows: Int, x: UnsafeMutablePointer<Float>) throws(InferenceError) {
        let weights = self.weights.layers[layer]
        let width = hyper.embeddingLength
        let inner = hyper.feedForwardLengths[layer]
        let normed = try workspace.floats(.normed, count: rows * width)
        normalizeRows(x, rows: rows, weight: weights.feedForwardNorm, into: normed)

        let sliceRows = min(rows, max(64, Self.feedForwardSliceFloats / (2 * inner)))
        let gateUp = try workspace.floats(.feedForward, count: Workspace.product(sliceRows, 2 * inner,
                                                                                 what: "FFN activations"))
        var start = 0
        while start < rows {
            let count = min(sliceRows, rows - start)
            try weights.gateUp.apply(normed + start * width, count: count, inputStride: width, into: gateUp,
                                     outputStride: 2 * inner, accumulate: false, context: context)
            parallel.forEachSlice(count, grain: 4) { slice, _ in
                for row in slice {
                    let gate = gateUp + row * 2 * inner
                    VectorMath.swiGLU(gate: gate, up: gate + inner, count: inner)
                }
            }
            try weights.down.apply(gateUp, count: count, inputStride: 2 * inner, into: x + start * width,
                                   outputStride: width, accumulate: true, context: context)
            start += count
        }
    }

    // MARK: - Helpers

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

/// Calls `body` with base pointers of three optional arrays, kept alive for the call.
private func withOptionalPointers(_ a: [Float]?, _ b: [Float]?, _ c: [Float]?,
                                  _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?) -> Void) {
    func pointer(_ array: [Float]?, _ next: (UnsafePointer<Float>?) -> Void) {
        guard let array else { return next(nil) }
        array.withUnsafeBufferPointer { next($0.baseAddress) }
    }
    pointer(a) { a in pointer(b) { b in pointer(c) { c in body(a, b, c) } } }
}
