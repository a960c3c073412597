/// What every step of a forward pass shares: workers, scratch space and the weight cache.
///
/// Matrix products are cut into tiles that depend only on the matrix shapes, and the workers
/// take tiles one at a time, each calling a single-threaded OpenBLAS. Two reasons:
/// - OpenBLAS rounds the last columns of each call differently from the rest, so a result
///   depends on where calls split the matrix. Fixed tiles make the logits bit-identical for
///   any thread count.
/// - Measured on the 2-core target, OpenBLAS's own threading wastes about a sixth of the CPU
///   time: its idle threads spin (`sched_yield`) while the element-wise steps and attention
///   run on these workers. One pool for everything avoids that.
final class ComputeContext {
    let parallel: Parallel
    let workspace = Workspace()
    let cache: WeightCache
    /// Sees linear-layer inputs while ``LlamaModel/observeActivations(sequences:tap:)`` runs.
    var tap: (any ActivationTap)?
    /// Drops a tensor's file pages once it is decoded (keeps resident memory near the weight
    /// cache's budget on models larger than memory).
    var releasePages: (String) -> Void = { _ in }

    /// Up to this many activation rows, products run as one matrix-vector product per row
    /// (incremental decoding): that reads the weights once, without packing them.
    static let vectorRowLimit = 2
    /// Output columns per matrix-vector call.
    static let vectorColumnTile = 64
    /// Activation rows per tile (balanced, at most this many).
    static let rowTile = 512
    /// Output columns per tile (balanced, at most this many, a multiple of 16).
    static let columnTile = 1024
    /// Tiles a product is cut into at least (when it has columns for them), so a few workers
    /// always have work; more tiles would repack the activations more often.
    static let minimumTiles = 4

    init(threads: Int, cacheBudget: Int) {
        _ = BLASKernelSelection.ensureSelected
        parallel = Parallel(threads: threads)
        cache = WeightCache(budget: cacheBudget)
    }

    /// Keeps OpenBLAS single-threaded (process-wide); parallelism comes from ``parallel``.
    func claimBLAS() {
        BLAS.setThreads(1)
    }

    /// `C[m×n] = A[m×k] · B[n×k]ᵀ (+ C when accumulating)`, in fixed tiles spread over the workers.
    func multiplyTransposed(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int, accumulate: Bool,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        let beta: Float = accumulate ? 1 : 0
        if m <= Self.vectorRowLimit {
            let tiles = (n + Self.vectorColumnTile - 1) / Self.vectorColumnTile
            parallel.forEachSlice(tiles) { slice, _ in
                for tile in slice {
                    let start = tile * Self.vectorColumnTile
                    let width = min(Self.vectorColumnTile, n - start)
                    for row in 0 ..< m {
                        BLAS.multiplyVector(n: width, k: k, matrix: b + start * ldb, ldm: ldb, x: a + row * lda,
                                            beta: beta, y: c + row * ldc + start)
                    }
                }
            }
            return
        }
        let rowBlocks = (m + Self.rowTile - 1) / Self.rowTile
        let rowHeight = (m + rowBlocks - 1) / rowBlocks
        var columnBlocks = max((n + Self.columnTile - 1) / Self.columnTile,
                               (Self.minimumTiles + rowBlocks - 1) / rowBlocks)
        columnBlocks = max(1, min(columnBlocks, n / 64))
        let columnWidth = ((n + columnBlocks - 1) / columnBlocks + 15) / 16 * 16
        columnBlocks = (n + columnWidth - 1) / columnWidth
        parallel.forEachTask(rowBlocks * columnBlocks) { task, _ in
            let rowStart = task / columnBlocks * rowHeight
            let columnStart = task % columnBlocks * columnWidth
            BLAS.multiplyTransposed(m: min(rowHeight, m - rowStart), n: min(columnWidth, n - columnStart), k: k,
                                    a: a + rowStart * lda, lda: lda, b: b + columnStart * ldb, ldb: ldb,
                                    beta: beta, c: c + rowStart * ldc + columnStart, ldc: ldc)
        }
    }
}
