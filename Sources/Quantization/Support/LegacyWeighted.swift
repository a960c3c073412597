/// The importance-weighted search shared by ggml's `quantize_row_q{4,5}_{0,1}_impl`:
/// each element is weighted `importance * sqrt(σ² + x²)`, σ² being the mean square of
/// the whole row, and each 32-value block gets its own scale search.
enum LegacyWeighted {
    /// Symmetric blocks (Q4_0, Q5_0): `store(block, d, levels)` with levels offset by `nmax`.
    @inline(__always)
    static func quantizeSymmetric(_ x: UnsafePointer<Float>, blocks: Int, weights: UnsafePointer<Float>, nmax: Int32,
                                  store: (Int, Float, UnsafePointer<Int8>) -> Void) {
        let sigma2 = meanSquare(x, count: blocks * 32)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { weight in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: 32) { levels in
                let w = weight.baseAddress!, l = levels.baseAddress!
                for block in 0..<blocks {
                    let xb = x + block * 32
                    fillWeights(w, xb, weights + block * 32, sigma2)
                    let d = SymmetricSearch.searchScale(count: 32, nmax: nmax, xb, levels: l, weights: w)
                    store(block, d, l)
                }
            }
        }
    }

    /// Affine blocks (Q4_1, Q5_1): `store(block, d, minimum, levels)`, the block decoding
    /// as `d * level - minimum`.
    @inline(__always)
    static func quantizeAffine(_ x: UnsafePointer<Float>, blocks: Int, weights: UnsafePointer<Float>, nmax: Int32,
                               store: (Int, Float, Float, UnsafePointer<UInt8>) -> Void) {
        let sigma2 = meanSquare(x, count: blocks * 32)
        let parameters = AffineSearch.Parameters(nmax: nmax, rmin: Float(-0.9), rdelta: Float(0.05), steps: 36,
                                                 useAbsoluteError: false, flatWhenNotIncreasing: true)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { weight in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { levels in
                let w = weight.baseAddress!, l = levels.baseAddress!
                for block in 0..<blocks {
                    let xb = x + block * 32
                    fillWeights(w, xb, weights + block * 32, sigma2)
                    var minimum: Float = 0
                    let d = AffineSearch.search(count: 32, xb, weights: w, levels: l, minimum: &minimum,
                                                scratch: l + 32, parameters)
                    store(block, d, minimum, l)
                }
            }
        }
    }

    @inline(__always)
    private static func meanSquare(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for j in 0..<count { sum += x[j] * x[j] }
        return sum / Float(count)
    }

    @inline(__always)
    private static func fillWeights(_ weight: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                    _ importance: UnsafePointer<Float>, _ sigma2: Float) {
        for j in 0..<32 { weight[j] = importance[j] * (sigma2 + x[j] * x[j]).squareRoot() }
    }
}
