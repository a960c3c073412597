/// Steps shared by the IQ2_XXS and IQ2_XS quantizers (ggml's `quantize_row_iq2_xxs_impl` and
/// `quantize_row_iq2_xs_impl`), in ggml's operation order.
enum TwoBitLatticeSearch {
    /// The largest level a coordinate takes (`kMaxQ - 1` in ggml).
    static let maxLevel: Int32 = 2

    /// Importance weights of one group (`qw * sqrt(σ² + x²)`; a missing importance row counts
    /// as all ones, since ggml refuses to quantize these formats without one) and their roots.
    @inline(__always)
    static func weights(_ x: UnsafePointer<Float>, count: Int, importance: UnsafePointer<Float>?, sigma2: Float,
                        weight: UnsafeMutablePointer<Float>, root: UnsafeMutablePointer<Float>) {
        for i in 0 ..< count {
            let w: Float = importance?[i] ?? 1
            weight[i] = w * (sigma2 + x[i] * x[i]).squareRoot()
        }
        for i in 0 ..< count { root[i] = weight[i].squareRoot() }
    }

    /// Makes the 8 values at `x` non-negative into `magnitude` and returns the 7 stored sign
    /// bits. The grid only holds points with an even number of negative coordinates, so when
    /// the count is odd the value that costs least to flip (smallest `w·x²`) keeps its sign.
    @inline(__always)
    static func signs(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                      magnitude: UnsafeMutablePointer<Float>) -> UInt8 {
        var flips = 0
        var bits: UInt8 = 0
        for i in 0 ..< 8 {
            if x[i] >= 0 {
                magnitude[i] = x[i]
            } else {
                magnitude[i] = -x[i]
                flips += 1
                bits |= 1 << UInt8(i)
            }
        }
        if flips % 2 == 1 {
            var smallestIndex = 0
            var smallest = weight[0] * x[0] * x[0]
            for i in 1 ..< 8 {
                let cost = weight[i] * x[i] * x[i]
                if cost < smallest {
                    smallest = cost
                    smallestIndex = i
                }
            }
            magnitude[smallestIndex] = -magnitude[smallestIndex]
            bits ^= 1 << UInt8(smallestIndex)
        }
        return bits & 127
    }

    /// Levels `0...2` for 8 magnitudes at inverse scale `inverse` and their 2-bit index.
    @inline(__always)
    static func levelIndex(_ x: UnsafePointer<Float>, inverse: Float, levels: UnsafeMutablePointer<Int8>) -> Int {
        var index = 0
        for i in 0 ..< 8 {
            let l = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * x[i] - 1)), 0, maxLevel)
            levels[i] = Int8(l)
            index |= Int(l) << (2 * i)
        }
        return index
    }

    /// The 2-bit index of 8 stored levels.
    @inline(__always)
    static func index(of levels: UnsafePointer<Int8>) -> Int {
        var index = 0
        for i in 0 ..< 8 { index |= Int(levels[i]) << (2 * i) }
        return index
    }

    /// `Σ w·x·q` and `Σ w·q²` with `q = 2·level + 1`.
    @inline(__always)
    static func sums(_ x: UnsafePointer<Float>, _ levels: UnsafePointer<Int8>, _ weight: UnsafePointer<Float>,
                     count: Int) -> (qx: Float, q2: Float) {
        var sumQX: Float = 0, sumQ2: Float = 0
        for i in 0 ..< count {
            let w = weight[i]
            let q = Float(2 * Int32(levels[i]) + 1)
            sumQX += w * x[i] * q
            sumQ2 += w * q * q
        }
        return (sumQX, sumQ2)
    }

    /// Sign bits with ggml's parity bit 7 added (`ksigns_iq2xs`), as the decoders read them.
    @inline(__always)
    static func expandedSigns(_ bits: UInt8) -> UInt8 {
        bits | (UInt8(bits.nonzeroBitCount & 1) << 7)
    }

    /// Decodes one group of 8: `scale · level · ±1`.
    @inline(__always)
    static func decode(point: Int, levels: UnsafePointer<Float>, grid: UnsafePointer<UInt16>, signs: UInt8,
                       scale: Float, into y: UnsafeMutablePointer<Float>) {
        let code = Int(grid[point])
        let expanded = expandedSigns(signs)
        for j in 0 ..< 8 {
            let value = levels[(code >> (2 * j)) & 3]
            y[j] = scale * value * (expanded & (1 << UInt8(j)) != 0 ? -1 : 1)
        }
    }

    /// The scale search of one 16-value group in IQ2_XS and IQ2_S: 19 trial scales around
    /// `largest / 5`, each rounding both halves onto the grid (nearest neighbour when off it),
    /// keeping the best weighted fit; halves the winner left off the grid are rounded again at
    /// the final scale. Writes the levels to `levels` and returns the scale.
    @inline(__always)
    static func searchSixteen(_ magnitude: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              root: UnsafePointer<Float>, largest: Float, lattice: TwoBitLattice,
                              pointIndex: UnsafePointer<Int32>, levels: UnsafeMutablePointer<Int8>,
                              trial: UnsafeMutablePointer<Int8>) -> Float {
        var best: Float = 0
        var scale = largest / 5
        var onGrid = (true, true)
        for step in -9 ... 9 {
            let inverse = (5 + Float(step) * 0.1) / largest
            let trialScale = 1 / inverse
            var trialOnGrid = (true, true)
            for k in 0 ..< 2 {
                let index = levelIndex(magnitude + 8 * k, inverse: inverse, levels: trial + 8 * k)
                if pointIndex[index] < 0 {
                    if k == 0 { trialOnGrid.0 = false } else { trialOnGrid.1 = false }
                    _ = lattice.bestNeighbour(of: index, magnitude + 8 * k, root + 8 * k, scale: trialScale,
                                              levels: trial + 8 * k)
                }
            }
            let (sumQX, sumQ2) = sums(magnitude, trial, weight, count: 16)
            if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                scale = sumQX / sumQ2
                best = scale * sumQX
                levels.update(from: trial, count: 16)
                onGrid = trialOnGrid
            }
        }
        if !(onGrid.0 && onGrid.1), scale > 0 {
            let inverse = 1 / scale
            for k in 0 ..< 2 where !(k == 0 ? onGrid.0 : onGrid.1) {
                let index = levelIndex(magnitude + 8 * k, inverse: inverse, levels: levels + 8 * k)
                if pointIndex[index] < 0 {
                    _ = lattice.bestNeighbour(of: index, magnitude + 8 * k, root + 8 * k, scale: scale,
                                              levels: levels + 8 * k)
                }
            }
            let (sumQX, sumQ2) = sums(magnitude, levels, weight, count: 16)
            if sumQ2 > 0 { scale = sumQX / sumQ2 }
        }
        return scale
    }
}
