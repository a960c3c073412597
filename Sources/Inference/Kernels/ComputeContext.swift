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

    /// Bytes of decoded weights one tile of ``multiplyDecodedTiles`` holds at most. Each tile's BLAS call packs
    /// the activation rows again, so tiles must be wide: on a 7B-shaped layer 8 MiB tiles ran 30% faster than
    /// 1 MiB ones that stayed in L2.
    static let decodedTileBytes = 8 << 20

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

    /// `C[m×n] (+)= A[m×k] · Bᵀ` where `B`'s rows exist only in their stored encoding: each task decodes a tile of
    /// B's rows (`decode(rows, into:)`, `k` floats per row) into its worker's scratch and multiplies every row of A
    /// by it, so weights are decoded once per call and never held as F32 beyond one tile per worker. Tiles depend
    /// on the shapes only, so results are identical for any thread count.
    func multiplyDecodedTiles(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, accumulate: Bool,
                              c: UnsafeMutablePointer<Float>, ldc: Int,
                              decode: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) throws(InferenceError) {
        guard m > 0, n > 0 else { return }
        let byCache = max(16, Self.decodedTileBytes / max(k * MemoryLayout<Float>.stride, 1) / 16 * 16)
        let byCount = max(16, ((n + Self.minimumTiles - 1) / Self.minimumTiles + 15) / 16 * 16)
        let tileRows = min(byCache, byCount, Self.columnTile)
        let tiles = (n + tileRows - 1) / tileRows
        let scratch = try workspace.floats(.decode, count: Workspace.product(parallel.threads, tileRows, k,
                                                                           what: "decoded weight tiles"))
        let beta: Float = accumulate ? 1 : 0
        let rowBlocks = (m + Self.rowTile - 1) / Self.rowTile
        let rowHeight = (m + rowBlocks - 1) / rowBlocks
        parallel.forEachTask(tiles) { tile, worker in
            let start = tile * tileRows
            let count = min(tileRows, n - start)
            let b = scratch + worker * tileRows * k
            decode(start ..< start + count, b)
            var rowStart = 0
            while rowStart < m {
                let height = min(rowHeight, m - rowStart)
                if height <= Self.vectorRowLimit {
                    for row in rowStart ..< rowStart + height {
                        BLAS.multiplyVector(n: count, k: k, matrix: b, ldm: k, x: a + row * lda, beta: beta,
                                            y: c + row * ldc + start)
                    }
                } else {
                    BLAS.multiplyTransposed(m: height, n: count, k: k, a: a + rowStart * lda, lda: lda, b: b, ldb: k,
                                            beta: beta, c: c + rowStart * ldc + start, ldc: ldc)
                }
                rowStart += height
            }
        }
    }
}
