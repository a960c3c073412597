extension ForwardPass {
    /// Self-attention of layer `layer` with its residual add: norm, Q/K/V, per-head norms,
    /// RoPE, causal attention, output projection.
    func attentionBlock(_ layer: Int, batch: TokenBatch, x: UnsafeMutablePointer<Float>,
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
        let perWorker = AttentionHead.scratchCount(keys: longest, keyLength: keyLength)
        let scratch = try workspace.floats(.scores, count: Workspace.product(perWorker, parallel.threads,
                                                                              what: "attention scores"))
        let scale = 1 / Float(keyLength).squareRoot()
        let weights = self.weights

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
            attention.run(scratch: scratch + worker * perWorker, level: weights.level)
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
