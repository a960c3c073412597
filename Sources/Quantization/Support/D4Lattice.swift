import CQuantKernels

/// The 3-bit lattice search shared by IQ3_XXS and IQ3_S (ggml's `quantize_row_iq3_xxs_impl` and
/// `quantize_row_iq3_s_impl`): each group of 4 magnitudes is encoded as one point of a grid of
/// allowed 4-tuples of odd levels `2l + 1` (`l` in `0...7`), 256 points for IQ3_XXS and 512 for IQ3_S.
///
/// A 32-value block gets the scale that best fits its groups to the grid, trying candidate scales
/// around the one set by the block's largest magnitude; a group that rounds to a tuple off the grid
/// takes the nearest of that tuple's precomputed neighbours instead.
///
/// Every operation follows ggml's order so the bytes are identical to its quantizer.
struct D4Lattice: Sendable {
    /// Each point's 4 values `2l + 1`, 4 bytes per point (ggml's `kgrid_q3xs`).
    let points: [Int8]
    /// For each of the 4096 tuples of 3-bit levels (level `i` at bit `3 * i`): its point's index when
    /// it is on the grid, otherwise `-(offset + 1)` of its neighbour list in ``neighbours``
    /// (ggml's `kmap_q3xs`).
    let map: [Int32]
    /// Neighbour lists, each a count followed by that many point indices: the points at the
    /// `distances` smallest squared distances from an off-grid tuple, nearest first, ties by index
    /// (ggml's `kneighbors_q3xs`).
    let neighbours: [UInt16]
    /// The neighbour lists by coordinate for the SIMD distance kernel: for an off-grid tuple, at
    /// ``levelOffset``, 4 rows (one per coordinate) of ``TwoBitLattice/levelStride(count:)`` bytes
    /// holding each neighbour's level.
    let levelOffset: [Int32]
    let levelRows: [Int8]
    let longestList: Int

    /// The SIMD level of the distance kernel on this CPU (0: scalar Swift).
    static let simdLevel = Int(ggufkit_quant_simd_level(2))
    /// The values `2l + 1` the levels stand for.
    static let oddPositions: [Float] = [1, 3, 5, 7, 9, 11, 13, 15]

    /// IQ3_XXS's grid with its neighbours at the 2 nearest distances, built at first use.
    static let xxs = D4Lattice(codes: IQTables.iq3xxsGrid, distances: 2)
    /// IQ3_S's grid with its neighbours at the 3 nearest distances, built at first use.
    static let s = D4Lattice(codes: IQTables.iq3sGrid, distances: 3)

    /// ggml's `iq3xs_init_impl`, from the grid's level-index codes.
    init(codes: [UInt16], distances: Int) {
        var points = [Int8](repeating: 0, count: 4 * codes.count)
        var map = [Int32](repeating: -1, count: 4096)
        for (index, code) in codes.enumerated() {
            for i in 0 ..< 4 { points[4 * index + i] = Int8(2 * ((Int(code) >> (3 * i)) & 7) + 1) }
            map[Int(code)] = Int32(index)
        }
        var neighbours: [UInt16] = []
        // (squared distance, index) packed into one key: distances are at most 4 * 14^2, indices below 2^16,
        // so ordering the keys orders by distance, then index, exactly as ggml's qsort comparator does.
        var keys = [Int](repeating: 0, count: codes.count)
        for tuple in 0 ..< 4096 where map[tuple] < 0 {
            for point in 0 ..< codes.count {
                var d2 = 0
                for i in 0 ..< 4 {
                    let difference = Int(points[4 * point + i]) - (2 * ((tuple >> (3 * i)) & 7) + 1)
                    d2 += difference * difference
                }
                keys[point] = d2 << 16 | point
            }
            keys.sort()
            let start = neighbours.count
            map[tuple] = -Int32(start + 1)
            neighbours.append(0)
            var distance = keys[0] >> 16, seen = 1, count = 0
            for key in keys {
                if key >> 16 > distance {
                    if seen == distances { break }
                    distance = key >> 16
                    seen += 1
                }
                neighbours.append(UInt16(key & 0xFFFF))
                count += 1
            }
            neighbours[start] = UInt16(count)
        }
        var levelOffset = [Int32](repeating: -1, count: 4096)
        var levelRows: [Int8] = []
        var longest = 0
        for tuple in 0 ..< 4096 where map[tuple] < 0 {
            let start = Int(-map[tuple] - 1), count = Int(neighbours[start])
            let stride = TwoBitLattice.levelStride(count: count)
            longest = max(longest, count)
            levelOffset[tuple] = Int32(levelRows.count)
            for i in 0 ..< 4 {
                for k in 0 ..< stride {
                    levelRows.append(k < count ? (points[4 * Int(neighbours[start + 1 + k]) + i] - 1) / 2 : 0)
                }
            }
        }
        self.points = points
        self.map = map
        self.neighbours = neighbours
        self.levelOffset = levelOffset
        self.levelRows = levelRows
        longestList = longest
    }

    /// Raw views of the tables for the hot loops.
    struct Tables {
        let points: UnsafePointer<Int8>
        let map: UnsafePointer<Int32>
        let neighbours: UnsafePointer<UInt16>
        let levelOffset: UnsafePointer<Int32>
        let levelRows: UnsafePointer<Int8>
        let values: UnsafePointer<Float>
        let longestList: Int
        var simdLevel: Int
    }

    /// Calls `body` with pointers to the tables, valid for its duration.
    @inline(__always)
    func withTables<R>(simdLevel: Int = D4Lattice.simdLevel, _ body: (Tables) -> R) -> R {
        points.withUnsafeBufferPointer { p in
        map.withUnsafeBufferPointer { m in
        neighbours.withUnsafeBufferPointer { n in
        levelOffset.withUnsafeBufferPointer { o in
        levelRows.withUnsafeBufferPointer { r in
        Self.oddPositions.withUnsafeBufferPointer { v in
            body(Tables(points: p.baseAddress!, map: m.baseAddress!, neighbours: n.baseAddress!,
                        levelOffset: o.baseAddress!, levelRows: r.baseAddress!, values: v.baseAddress!,
                        longestList: longestList, simdLevel: simdLevel))
        }
        }
        }
        }
        }
        }
    }

    /// How one format drives the block search.
    struct Search {
        /// Candidate scales tried on each side of the first guess (15 for IQ3_XXS, 9 for IQ3_S).
        let tries: Int
        /// Whether groups count as on the grid before any candidate is accepted (IQ3_XXS: yes).
        let startOnGrid: Bool
        /// Whether the final refit re-rounds every group (IQ3_S) or only those off the grid (IQ3_XXS).
        let refitAll: Bool
    }

    /// Scratch for one 32-value block: ``Scratch/floatCount`` floats and ``Scratch/byteCount`` bytes.
    struct Scratch {
        static let floatCount = 96
        static let byteCount = 80
        let weight: UnsafeMutablePointer<Float>, waux: UnsafeMutablePointer<Float>, xval: UnsafeMutablePointer<Float>
        let levels: UnsafeMutablePointer<Int8>, candidate: UnsafeMutablePointer<Int8>
        let onGrid: UnsafeMutablePointer<Bool>, candidateOnGrid: UnsafeMutablePointer<Bool>

        init(floats: UnsafeMutablePointer<Float>, bytes: UnsafeMutableRawPointer) {
            weight = floats
            waux = floats + 32
            xval = floats + 64
            levels = bytes.bindMemory(to: Int8.self, capacity: 64)
            candidate = levels + 32
            let flags = (bytes + 64).bindMemory(to: Bool.self, capacity: 16)
            onGrid = flags
            candidateOnGrid = flags + 8
        }
    }

    /// ggml's `iq3_find_best_neighbour`: of the points in `list` (a count, then indices), the one
    /// nearest `xval` at `scale` by weighted squared distance (first of equals); writes its level
    /// indices to `levels` and returns its index.
    @inline(__always)
    static func bestNeighbour(_ list: UnsafePointer<UInt16>, _ tables: Tables, tuple: Int, xval: UnsafePointer<Float>,
                              weight: UnsafePointer<Float>, scale: Float, levels: UnsafeMutablePointer<Int8>) -> Int {
        let count = Int(list[0])
        var best = Float.greatestFiniteMagnitude
        var found = -1
        if tables.simdLevel > 0 {
            withUnsafeTemporaryAllocation(of: Float.self, capacity: TwoBitLattice.levelStride(count: tables.longestList)) {
                let d2 = $0.baseAddress!
                ggufkit_d4_distances(tables.levelRows + Int(tables.levelOffset[tuple]), Int32(count),
                                     Int32(TwoBitLattice.levelStride(count: count)), tables.values, xval, weight, scale,
                                     d2, Int32(tables.simdLevel))
                for j in 0 ..< count where d2[j] < best {
                    best = d2[j]
                    found = Int(list[j + 1])
                }
            }
        } else {
            for j in 1 ... count {
                let point = tables.points + 4 * Int(list[j])
                var d2: Float = 0
                for i in 0 ..< 4 {
                    let difference = scale * Float(point[i]) - xval[i]
                    d2 += weight[i] * difference * difference
                }
                if d2 < best {
                    best = d2
                    found = Int(list[j])
                }
            }
        }
        // ggml aborts when no distance is below FLT_MAX (infinite or NaN weights); take the nearest
        // tuple-wise neighbour instead.
        if found < 0 { found = Int(list[1]) }
        let point = tables.points + 4 * found
        for i in 0 ..< 4 { levels[i] = (point[i] - 1) / 2 }
        return found
    }

    /// The 3-bit tuple nearest `xval` at inverse scale `inverse`, clamped to `0...7`, as a map index;
    /// writes the levels to `levels` when given.
    @inline(__always)
    static func roundedTuple(_ xval: UnsafePointer<Float>, inverse: Float, levels: UnsafeMutablePointer<Int8>?) -> Int {
        var tuple = 0
        for i in 0 ..< 4 {
            let l = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * xval[i] - 1)), 0, 7)
            levels?[i] = Int8(truncatingIfNeeded: l)
            tuple |= Int(l) << (3 * i)
        }
        return tuple
    }

    /// The scale search of one 32-value block whose magnitudes (signs already taken out) are in
    /// `scratch.xval`, weights in `scratch.weight` and their square roots in `scratch.waux`; `largest`
    /// is the largest of `xval`. Writes the 8 chosen point indices to `indices` and returns the scale
    /// (which ggml then flips if negative).
    static func fit(_ s: Scratch, largest: Float, search: Search, tables: Tables,
                    indices: UnsafeMutablePointer<Int>) -> Float {
        for i in 0 ..< 32 { s.levels[i] = 0 }
        var best: Float = 0
        var scale = largest / 15
        for k in 0 ..< 8 { s.onGrid[k] = search.startOnGrid }
        for step in -search.tries ... search.tries {
            let inverse = (15 + Float(step) * Float(bitPattern: 0x3E4C_CCCD)) / largest // 0.2f
            let candidateScale = 1 / inverse
            for k in 0 ..< 8 {
                let tuple = roundedTuple(s.xval + 4 * k, inverse: inverse, levels: s.candidate + 4 * k)
                let index = tables.map[tuple]
                s.candidateOnGrid[k] = true
                if index < 0 {
                    s.candidateOnGrid[k] = false
                    _ = bestNeighbour(tables.neighbours + Int(-index - 1), tables, tuple: tuple, xval: s.xval + 4 * k,
                                      weight: s.waux + 4 * k, scale: candidateScale, levels: s.candidate + 4 * k)
                }
            }
            var sumQX: Float = 0, sumQ2: Float = 0
            for i in 0 ..< 32 {
                let w = s.weight[i], q = Float(2 * Int32(s.candidate[i]) + 1)
                sumQX += w * s.xval[i] * q
                sumQ2 += w * q * q
            }
            if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                scale = sumQX / sumQ2
                best = scale * sumQX
                for i in 0 ..< 32 { s.levels[i] = s.candidate[i] }
                for k in 0 ..< 8 { s.onGrid[k] = s.candidateOnGrid[k] }
            }
        }
        var offGrid = 0
        for k in 0 ..< 8 where !s.onGrid[k] { offGrid += 1 }
        if offGrid > 0, scale > 0 {
            let inverse = 1 / scale
            for k in 0 ..< 8 where search.refitAll || !s.onGrid[k] {
                let tuple = roundedTuple(s.xval + 4 * k, inverse: inverse, levels: nil)
                var index = Int(tables.map[tuple])
                if index < 0 {
                    index = bestNeighbour(tables.neighbours + (-index - 1), tables, tuple: tuple, xval: s.xval + 4 * k,
                                          weight: s.waux + 4 * k, scale: scale, levels: s.levels + 4 * k)
                }
                let point = tables.points + 4 * index
                for i in 0 ..< 4 { s.levels[4 * k + i] = (point[i] - 1) / 2 }
            }
            var sumQX: Float = 0, sumQ2: Float = 0
            for i in 0 ..< 32 {
                let w = s.weight[i], q = Float(2 * Int32(s.levels[i]) + 1)
                sumQX += w * s.xval[i] * q
                sumQ2 += w * q * q
            }
            if sumQ2 > 0 { scale = sumQX / sumQ2 }
        }
        for k in 0 ..< 8 {
            var tuple = 0
            for i in 0 ..< 4 { tuple |= Int(s.levels[4 * k + i]) << (3 * i) }
            // Always on the grid: every group's levels come from a grid point (or are all zero, point 0).
            indices[k] = Swift.max(0, Int(tables.map[tuple]))
        }
        return scale
    }

    /// The per-element weights of one 32-value block at `xb` (ggml: `qw * sqrt(sigma2 + x^2)` with
    /// importance, `x^2` without) and their square roots.
    @inline(__always)
    static func weigh(_ xb: UnsafePointer<Float>, importance: UnsafePointer<Float>?, sigma2: Float, _ s: Scratch) {
        if let importance {
            for i in 0 ..< 32 { s.weight[i] = importance[i] * (sigma2 + xb[i] * xb[i]).squareRoot() }
        } else {
            for i in 0 ..< 32 { s.weight[i] = xb[i] * xb[i] }
        }
        for i in 0 ..< 32 { s.waux[i] = s.weight[i].squareRoot() }
    }

    /// ggml's `2 * sum(x^2) / 256` over one super-block.
    @inline(__always)
    static func sigma2(_ x: UnsafePointer<Float>) -> Float {
        var sum: Float = 0
        for i in 0 ..< 256 { sum += x[i] * x[i] }
        return 2 * sum / 256
    }

    /// `value * -1` when bit 0 of `bits` is set, else `value` (ggml's and gguf-py's sign multiply),
    /// without a branch: the signs are random, so a branch would mispredict half the time.
    @inline(__always)
    static func negated(_ value: Float, if bits: UInt8) -> Float {
        Float(bitPattern: value.bitPattern ^ (UInt32(bits & 1) << 31))
    }

    /// C's `MAX` over the 32 magnitudes.
    @inline(__always)
    static func largest(_ xval: UnsafePointer<Float>) -> Float {
        var result = xval[0]
        for i in 1 ..< 32 { result = GGMLScalar.cMax(result, xval[i]) }
        return result
    }
}
