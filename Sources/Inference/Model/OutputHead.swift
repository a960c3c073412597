extension ForwardPass {
    /// Final norm and output head for selected rows of the residual stream `x`, computed in
    /// blocks of rows so memory stays within `blockBytes` whatever the vocabulary; `body`
    /// receives each selected row's index in `rows` and its logits, in order.
    func logits(of rows: [Int], x: UnsafePointer<Float>, blockBytes: Int,
                _ body: (Int, UnsafeBufferPointer<Float>) -> Void) throws(InferenceError) {
        guard !rows.isEmpty else { return }
        let width = hyper.embeddingLength
        let vocabulary = weights.vocabularySize
        let blockRows = max(1, min(rows.count, blockBytes / max(vocabulary * MemoryLayout<Float>.stride, 1)))
        let input = try context.workspace.floats(.headInput, count: Workspace.product(blockRows, width, what: "head input"))
        let output = try context.workspace.floats(.logits, count: Workspace.product(blockRows, vocabulary, what: "logits"))
        let epsilon = hyper.rmsNormEpsilon
        var start = 0
        while start < rows.count {
            let count = min(blockRows, rows.count - start)
            weights.outputNorm.withUnsafeBufferPointer { norm in
                context.parallel.forEachSlice(count, grain: 8) { slice, _ in
                    for index in slice {
                        VectorMath.rmsNorm(x + rows[start + index] * width, weight: norm.baseAddress!, count: width,
                                           epsilon: epsilon, output: input + index * width)
                    }
                }
            }
            try weights.head.apply(input, count: count, inputStride: width, into: output, outputStride: vocabulary,
                                   accumulate: false, context: context)
            for index in 0 ..< count {
                body(start + index, UnsafeBufferPointer(start: output + index * vocabulary, count: vocabulary))
            }
            start += count
        }
    }
}
