/// Matrix products for code outside the forward pass (compression passes measuring how a
/// change to a weight matrix changes its outputs), with the forward pass's fixed tiling, so
/// results are the same for any thread count.
public final class DenseProduct: @unchecked Sendable {
    // @unchecked: the context's scratch space is only used by `multiplyTransposed`, which callers
    // must not call concurrently on one instance.
    private let context: ComputeContext

    public init(threads: Int) {
        context = ComputeContext(threads: max(1, threads), cacheBudget: 0)
    }

    /// `C[m×n] = A[m×k] · B[n×k]ᵀ`: activations (one row per token) times a weight matrix stored one
    /// output row per line.
    public func multiplyTransposed(_ a: UnsafePointer<Float>, rows m: Int, columns k: Int,
                                   _ b: UnsafePointer<Float>, outputs n: Int, into c: UnsafeMutablePointer<Float>) {
        context.claimBLAS()
        context.multiplyTransposed(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: k, accumulate: false, c: c, ldc: n)
    }

    /// Runs `body(index)` for every index in `0..<count`, spread over the threads; each index
    /// must write only its own output.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        context.parallel.forEachTask(count) { index, _ in body(index) }
    }
}
