/// What every step of a forward pass shares: workers, scratch space and the weight cache.
///
/// Matrix products are split across the workers here, each worker calling a single-threaded
/// OpenBLAS on its own slice of output columns. Measured on the 2-core target, OpenBLAS's own
/// threading wastes about a sixth of the CPU time: its idle threads spin (`sched_yield`)
/// while the element-wise steps and attention run on these workers. One pool for everything
/// avoids that, and lets attention call OpenBLAS from several workers at once.
final class ComputeContext {
    let parallel: Parallel
    let workspace = Workspace()
    let cache: WeightCache

    /// Output columns per slice handed to one worker: a multiple of OpenBLAS's register tile
    /// keeps every slice on the fast kernel path.
    private static let columnGranule = 16

    init(threads: Int, cacheBudget: Int) {
        parallel = Parallel(threads: threads)
        cache = WeightCache(budget: cacheBudget)
    }

    /// Keeps OpenBLAS single-threaded (process-wide); parallelism comes from ``parallel``.
    func claimBLAS() {
        BLAS.setThreads(1)
    }

    /// `C[m×n] = A[m×k] · B[n×k]ᵀ (+ C when accumulating)`, output columns split over the workers.
    ///
    /// Each element is computed by one worker with the same kernel and summation order
    /// whatever the split, so results do not depend on the thread count.
    func multiplyTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int, accumulate: Bool,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        let granules = (n + Self.columnGranule - 1) / Self.columnGranule
        parallel.forEachSlice(granules) { slice, _ in
            let start = slice.lowerBound * Self.columnGranule
            let end = min(n, slice.upperBound * Self.columnGranule)
            BLAS.multiplyTransposed(m: m, n: end - start, k: k, a: a, lda: lda, b: b + start * ldb, ldb: ldb,
                                    beta: accumulate ? 1 : 0, c: c + start, ldc: ldc)
        }
    }
}
