import COpenBLAS

/// Thin wrappers over OpenBLAS's row-major `cblas_sgemm`.
///
/// Sizes come from validated hyper-parameters and batch shapes, all far below `Int32.max`
/// (checked when a model is loaded), so the narrowing conversions cannot trap.
enum BLAS {
    /// `C[m×n] = alpha · A[m×k] · B[n×k]ᵀ + beta · C`: activations times a weight matrix stored
    /// one output row per line, as GGUF stores them.
    static func multiplyTransposed(m: Int, n: Int, k: Int, alpha: Float = 1,
                                   a: UnsafePointer<Float>, lda: Int,
                                   b: UnsafePointer<Float>, ldb: Int,
                                   beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y[n] = alpha · B[n×k] · x[k] + beta · y`: one activation row times a weight matrix.
    ///
    /// For a single row this reads each weight once; `sgemm` would first copy the whole matrix
    /// into its packed layout, which costs more than the product itself.
    static func multiplyVector(n: Int, k: Int, alpha: Float = 1, matrix: UnsafePointer<Float>, ldm: Int,
                               x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        guard n > 0, k > 0 else { return }
        cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(k), alpha, matrix, Int32(ldm), x, 1, beta, y, 1)
    }

    /// `y[n] = alpha · B[k×n]ᵀ · x[k] + beta · y`: a row vector times a matrix stored row by row.
    static func multiplyVectorTransposed(n: Int, k: Int, alpha: Float = 1, matrix: UnsafePointer<Float>, ldm: Int,
                                         x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        guard n > 0, k > 0 else { return }
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(n), alpha, matrix, Int32(ldm), x, 1, beta, y, 1)
    }

    /// `C[m×n] = alpha · A[m×k] · B[k×n] + beta · C`.
    static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1,
                         a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int,
                         beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Sets how many threads OpenBLAS itself uses (process-wide).
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(count, 1)))
    }
}
