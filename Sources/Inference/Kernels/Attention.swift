/// Causal softmax attention of one query head over one sequence, in blocks of query rows.
///
/// Scores come from one matrix product per block and only cover the keys the block can see,
/// so the masked upper triangle is mostly never computed. Softmax leaves the numerators in
/// place; the `·V` product is divided by the row sums afterwards (head width multiplies per
/// row instead of one per key).
struct AttentionHead {
    /// Query rows of the head, `queryStride` apart; row `i` sits at position `firstPosition + i`.
    var query: UnsafePointer<Float>
    var queryStride: Int
    var rows: Int
    var firstPosition: Int
    /// Key and value rows for positions `0 ..< firstPosition + rows`.
    var keys: UnsafePointer<Float>
    var keyStride: Int
    var values: UnsafePointer<Float>
    var valueStride: Int
    var keyLength: Int
    var valueLength: Int
    var scale: Float
    var output: UnsafeMutablePointer<Float>
    var outputStride: Int

    /// Query rows per block.
    static let blockRows = 64

    /// Floats of scratch one call needs when the longest sequence sees `keys` keys.
    static func scratchCount(keys: Int) -> Int {
        blockRows * keys + blockRows
    }

    /// Runs the head; `scratch` holds ``scratchCount(keys:)`` floats. Meant to run on one
    /// worker with OpenBLAS single-threaded.
    func run(scratch: UnsafeMutablePointer<Float>) {
        var blockStart = 0
        while blockStart < rows {
            let blockCount = min(Self.blockRows, rows - blockStart)
            let visible = firstPosition + blockStart + blockCount
            let scores = scratch
            let sums = scratch + Self.blockRows * visible
            // A single query row (decoding) uses matrix-vector products, which skip packing.
            if blockCount == 1 {
                BLAS.multiplyVector(n: visible, k: keyLength, alpha: scale, matrix: keys, ldm: keyStride,
                                    x: query + blockStart * queryStride, beta: 0, y: scores)
            } else {
                BLAS.multiplyTransposed(m: blockCount, n: visible, k: keyLength, alpha: scale,
                                        a: query + blockStart * queryStride, lda: queryStride,
                                        b: keys, ldb: keyStride, beta: 0, c: scores, ldc: visible)
            }
            for row in 0 ..< blockCount {
                let valid = firstPosition + blockStart + row + 1
                sums[row] = VectorMath.softmaxNumerators(scores + row * visible, valid: valid, rowWidth: visible)
            }
            let target = output + blockStart * outputStride
            if blockCount == 1 {
                BLAS.multiplyVectorTransposed(n: valueLength, k: visible, matrix: values, ldm: valueStride,
                                              x: scores, beta: 0, y: target)
            } else {
                BLAS.multiply(m: blockCount, n: valueLength, k: visible, a: scores, lda: visible,
                              b: values, ldb: valueStride, beta: 0, c: target, ldc: outputStride)
            }
            for row in 0 ..< blockCount {
                VectorMath.scale(target + row * outputStride, count: valueLength, by: 1 / sums[row])
            }
            blockStart += blockCount
        }
    }
}
