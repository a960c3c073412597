import COpenBLAS
import Foundation

/// Measurements that put inference speed in context.
public enum InferenceDiagnostics {
    /// The OpenBLAS kernel set matrix products run on (e.g. `Cooperlake`, `Haswell`), as OpenBLAS
    /// chose it at load time (`OPENBLAS_CORETYPE` overrides its detection).
    public static var blasKernels: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// GFLOP/s of one square `size`×`size` single-precision matrix product repeated for at least
    /// `seconds`, with OpenBLAS's own threading at `threads`: the ceiling the forward pass's
    /// matrix products can approach on this machine.
    ///
    /// OpenBLAS is left single-threaded afterwards, as ``LlamaModel`` expects it.
    public static func matrixMultiplyGFLOPS(size: Int = 2048, threads: Int = 2, seconds: Double = 1) -> Double {
        let n = min(max(size, 16), 16384)
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer {
            a.deallocate()
            b.deallocate()
            c.deallocate()
        }
        a.initialize(repeating: 0.5, count: n * n)
        b.initialize(repeating: 0.25, count: n * n)
        BLAS.setThreads(threads)
        defer { BLAS.setThreads(1) }
        func multiply() {
            BLAS.multiplyTransposed(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, beta: 0, c: c, ldc: n)
        }
        multiply()  // warm-up: thread start, page faults
        var repeats = 0
        var elapsed = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        repeat {
            multiply()
            repeats += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        return 2 * Double(n) * Double(n) * Double(n) * Double(repeats) / elapsed / 1e9
    }
}
