extension ForwardPass {
    /// Bounds the gate/up activations held at once (rows of the FFN are processed in slices).
    static let feedForwardSliceFloats = 8 << 20

    /// SwiGLU feed-forward of layer `layer` with its residual add.
    func feedForwardBlock(_ layer: Int, rows: Int, x: UnsafeMutablePointer<Float>) throws(InferenceError) {
        let weights = self.weights.layers[layer]
        let width = hyper.embeddingLength
        let inner = hyper.feedForwardLengths[layer]
        let normed = try workspace.floats(.normed, count: rows * width)
        normalizeRows(x, rows: rows, weight: weights.feedForwardNorm, into: normed)

        // A multiple of 64 rows, and a function of the shapes only (see ComputeContext on tiles).
        let sliceRows = min(rows, max(64, Self.feedForwardSliceFloats / (2 * inner) / 64 * 64))
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
}
