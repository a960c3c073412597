import CQuantKernels

/// The 8-dimensional grids of the 2-bit IQ formats (IQ2_XXS: 256 points, IQ2_XS: 512, IQ2_S: 1024) and the
/// lookup ggml's quantizer builds over them (`iq2xs_init_impl`).
///
/// A group of 8 values is rounded to levels `0...2` per coordinate; the index of those levels
/// (2 bits per coordinate) either is a grid point (``pointIndex``) or maps to the grid points
/// nearest it (``neighbours``): those at the `wanted` smallest squared distances, in order of
/// distance, then index, which is exactly what ggml's qsort over `(distance, index)` pairs gives.
final class TwoBitLattice: Sendable {
    /// Grid point coordinates in the quantizer's odd scale (`2 * level + 1`), 8 per point.
    let positions: [Int8]
    /// Grid index for each level index, or `-1` when it is not on the grid.
    let pointIndex: [Int32]
    /// For an off-grid level index: the offset of its neighbour list in ``neighbourLists``
    /// (count first, then the grid indices).
    let neighbourOffset: [Int32]
    let neighbourLists: [UInt16]
    /// The same neighbour lists by coordinate for the SIMD distance kernel: for an off-grid level
    /// index, at ``neighbourLevelOffset``, 8 rows (one per coordinate) of ``levelStride(count:)``
    /// bytes holding each neighbour's level.
    let neighbourLevelOffset: [Int32]
    let neighbourLevels: [Int8]
    /// The longest neighbour list.
    let longestList: Int

    /// The SIMD level of the distance kernel on this CPU (0: scalar Swift).
    static let simdLevel = Int(ggufkit_quant_simd_level(2))
    /// Odd grid positions `2·level + 1`, the values the 2-bit searches scale.
    static let oddPositions: [Float] = [1, 3, 5, 7]

    @inline(__always)
    static func levelStride(count: Int) -> Int { (count + 15) / 16 * 16 }

    static let iq2xxs = TwoBitLattice(grid: IQTables.iq2xxsGrid, wanted: 2)
    static let iq2xs = TwoBitLattice(grid: IQTables.iq2xsGrid, wanted: 2)
    static let iq2s = TwoBitLattice(grid: IQTables.iq2sGrid, wanted: 1)
    /// IQ1_S and IQ1_M share one 2048-point grid of values -1, 0, 1.
    static let iq1s = TwoBitLattice(grid: IQTables.iq1sGrid, wanted: 3)

    /// Level indices are at most 2 in each coordinate: `Σ 2·4^k` for k < 8, plus one.
    static let indexCount = 43_692

    init(grid: [UInt16], wanted: Int) {
        var positions = [Int8](repeating: 0, count: grid.count * 8)
        for (point, code) in grid.enumerated() {
            for k in 0 ..< 8 { positions[point * 8 + k] = Int8(2 * ((Int(code) >> (2 * k)) & 3) + 1) }
        }
        var pointIndex = [Int32](repeating: -1, count: Self.indexCount)
        for (point, code) in grid.enumerated() where Int(code) < Self.indexCount { pointIndex[Int(code)] = Int32(point) }

        var offsets = [Int32](repeating: -1, count: Self.indexCount)
        var lists: [UInt16] = []
        var distances = [Int32](repeating: 0, count: grid.count)
        positions.withUnsafeBufferPointer { points in
        distances.withUnsafeMutableBufferPointer { distances in
            // Only indices whose levels are all `0...2` are ever looked up (the searches clamp
            // to 2); ggml also lists the others, which no quantizer reads.
            for index in 0 ..< Self.indexCount where pointIndex[index] < 0 && !Self.hasLevelThree(index) {
                var target = SIMD8<Int32>()
                for k in 0 ..< 8 { target[k] = Int32(2 * ((index >> (2 * k)) & 3) + 1) }
                for point in 0 ..< grid.count {
                    var d2: Int32 = 0
                    for k in 0 ..< 8 {
                        let difference = Int32(points[point * 8 + k]) - target[k]
                        d2 += difference * difference
                    }
                    distances[point] = d2
                }
                // The `wanted` smallest distinct distances (positions are 1...7, so a squared
                // distance is at most 8 · 36), then every point at them, by distance and index.
                var present = [Bool](repeating: false, count: 289)
                for distance in distances { present[Int(distance)] = true }
                let kept = Array((0 ... 288).filter { present[$0] }.prefix(wanted))
                offsets[index] = Int32(lists.count)
                let countSlot = lists.count
                lists.append(0)
                for distance in kept {
                    for point in 0 ..< grid.count where distances[point] == Int32(distance) {
                        lists.append(UInt16(point))
                    }
                }
                lists[countSlot] = UInt16(lists.count - countSlot - 1)
            }
        }
        }
        var levelOffsets = [Int32](repeating: -1, count: Self.indexCount)
        var levelRows: [Int8] = []
        var longest = 0
        for index in 0 ..< Self.indexCount where offsets[index] >= 0 {
            let start = Int(offsets[index]), count = Int(lists[start])
            let stride = Self.levelStride(count: count)
            longest = max(longest, count)
            levelOffsets[index] = Int32(levelRows.count)
            for i in 0 ..< 8 {
                for k in 0 ..< stride {
                    levelRows.append(k < count ? (positions[Int(lists[start + 1 + k]) * 8 + i] - 1) / 2 : 0)
                }
            }
        }
        self.positions = positions
        self.pointIndex = pointIndex
        neighbourOffset = offsets
        neighbourLists = lists
        neighbourLevelOffset = levelOffsets
        neighbourLevels = levelRows
        longestList = longest
    }

    @inline(__always)
    static func hasLevelThree(_ index: Int) -> Bool {
        var rest = index
        while rest != 0 {
            if rest & 3 == 3 { return true }
            rest >>= 2
        }
        return false
    }

    /// ggml's `iq2_find_best_neighbour`: among the neighbours of an off-grid level index, the
    /// point closest to `x` at `scale` under `weights`; writes its levels to `levels`.
    @inline(__always)
    func bestNeighbour(of index: Int, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, scale: Float,
                       levels: UnsafeMutablePointer<Int8>, simdLevel: Int = TwoBitLattice.simdLevel) -> Int {
        Self.oddPositions.withUnsafeBufferPointer { values in
            nearest(of: index, x, weights, scale: scale, values: values.baseAddress!, levels: levels,
                    simdLevel: simdLevel)
        }
    }

    /// The first neighbour of off-grid level index `index` at the smallest weighted distance
    /// `Σ w·(scale·values[level] − x)²` (summed in coordinate order, as ggml does), or the first
    /// neighbour when no distance is below the largest float (ggml aborts there); writes its
    /// levels to `levels`.
    @inline(__always)
    func nearest(of index: Int, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, scale: Float,
                 values: UnsafePointer<Float>, levels: UnsafeMutablePointer<Int8>, simdLevel: Int) -> Int {
        neighbourLists.withUnsafeBufferPointer { lists in
            positions.withUnsafeBufferPointer { grid in
                let start = Int(neighbourOffset[index])
                let count = Int(lists[start])
                var best = Float.greatestFiniteMagnitude
                var chosen = -1
                if simdLevel > 0 {
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: Self.levelStride(count: longestList)) { d2 in
                        neighbourLevels.withUnsafeBufferPointer { rows in
                            ggufkit_lattice_distances(rows.baseAddress! + Int(neighbourLevelOffset[index]), Int32(count),
                                                      Int32(Self.levelStride(count: count)), values, x, weights, scale,
                                                      d2.baseAddress!, Int32(simdLevel))
                        }
                        for j in 0 ..< count where d2[j] < best {
                            best = d2[j]
                            chosen = Int(lists[start + 1 + j])
                        }
                    }
                } else {
                    for j in 1 ... count {
                        let point = Int(lists[start + j])
                        var d2: Float = 0
                        for i in 0 ..< 8 {
                            let difference = scale * values[Int(grid[point * 8 + i] - 1) / 2] - x[i]
                            d2 += weights[i] * difference * difference
                        }
                        if d2 < best {
                            best = d2
                            chosen = point
                        }
                    }
                }
                // ggml aborts when no distance is finite (non-finite weights); take the nearest point.
                if chosen < 0 { chosen = Int(lists[start + 1]) }
                for i in 0 ..< 8 { levels[i] = (grid[chosen * 8 + i] - 1) / 2 }
                return chosen
            }
        }
    }

    /// Writes the levels (`0...2`) of grid point `point`.
    @inline(__always)
    func setLevels(of point: Int, into levels: UnsafeMutablePointer<Int8>) {
        positions.withUnsafeBufferPointer { grid in
            for i in 0 ..< 8 { levels[i] = (grid[point * 8 + i] - 1) / 2 }
        }
    }
}
