/// Pieces the 1-bit formats (IQ1_S, IQ1_M) share: values rounded to three levels
/// `-1 ± δ, ±δ, 1 ± δ` (δ = 1/8, its sign chosen per group), the levels' order, and the
/// nearest grid point for a group of 8 that is off the grid.
enum TernarySearch {
    /// ggml's `IQ1S_DELTA` / `IQ1M_DELTA`.
    static let delta: Float = 0.125
    /// The three values a level stands for when the group's shift is `+δ` (`x_p`) or `-δ` (`x_m`).
    static let plus: (Float, Float, Float) = (-1 + delta, delta, 1 + delta)
    static let minus: (Float, Float, Float) = (-1 - delta, -delta, 1 - delta)

    /// The order that sorts `count` values ascending, ties kept in index order: what ggml's
    /// `qsort` of `(value, index)` pairs gives with glibc, whose qsort merge-sorts (stably)
    /// arrays this small.
    @inline(__always)
    static func ascendingOrder(_ x: UnsafePointer<Float>, count: Int, into order: UnsafeMutablePointer<Int32>) {
        for i in 0 ..< count {
            let value = x[i]
            var j = i
            while j > 0, x[Int(order[j - 1])] > value {
                order[j] = order[j - 1]
                j -= 1
            }
            order[j] = Int32(i)
        }
    }

    /// ggml's `iq1_find_best_neighbour2`: among the neighbours of the off-grid level index
    /// `index`, the point whose values (`shifted`, at `scale`) are closest to `x` under
    /// `weights`; writes its levels to `levels` and returns it.
    @inline(__always)
    static func bestNeighbour(in lattice: TwoBitLattice, of index: Int, _ x: UnsafePointer<Float>,
                              _ weights: UnsafePointer<Float>, scale: Float, shifted: UnsafePointer<Float>,
                              levels: UnsafeMutablePointer<Int8>, simdLevel: Int = TwoBitLattice.simdLevel) -> Int {
        // ggml falls back to a scan that reads past its input when no distance is below the
        // largest float (non-finite values); `nearest` takes the nearest point instead.
        lattice.nearest(of: index, x, weights, scale: scale, values: shifted, levels: levels, simdLevel: simdLevel)
    }

    /// Decodes one group of 8 from its grid code (2 bits per value: -1, 0, 1): `scale · (value + delta)`.
    @inline(__always)
    static func decode(code: UInt16, scale: Float, delta: Float, into y: UnsafeMutablePointer<Float>) {
        for j in 0 ..< 8 {
            let value = Float(Int((code >> (2 * UInt16(j))) & 3) - 1)
            y[j] = scale * (value + delta)
        }
    }
}
