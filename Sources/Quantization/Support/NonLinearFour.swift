import CQuantKernels

/// The search shared by IQ4_NL and IQ4_XS (ggml's `quantize_row_iq4_nl_impl`): each 32-value
/// block gets the scale that best fits its values to the 16 non-linear levels of
/// ``IQTables/nonLinear4``, trying 15 candidate scales around the one set by the block's
/// largest magnitude; IQ4_XS then stores those scales as 6-bit multiples of one F16 scale per
/// 256 values.
///
/// Every operation follows ggml's order so the bytes are identical to its quantizer. The 16 scale
/// trials of a block run side by side in SIMD lanes where the CPU allows (`CQuantKernels`): each lane
/// accumulates in ggml's order, so every SIMD level gives the same bytes.
enum NonLinearFour {
    /// The levels as F32 (exact: they are small integers), for the hot loops.
    static let levels: [Float] = IQTables.nonLinear4.map { Float($0) }

    /// Candidate scales tried on each side of the first guess (ggml's `ntry`).
    static let tries = 7

    /// The SIMD level of the trial kernel on this CPU (0: scalar Swift).
    static let simdLevel = Int(ggufkit_quant_simd_level(2))

    /// For each integer `f` in `-127 ..< 113` (index `f + 127`), the first level above `f`.
    static let levelAbove: [UInt8] = (-127 ..< 113).map { f in
        UInt8(IQTables.nonLinear4.firstIndex { Int($0) > f }!)
    }

    /// ggml's `best_index_int8`: the index of the level nearest `x` (ties to the lower level).
    ///
    /// ggml bisects to the bracketing levels `v[mu-1] <= x < v[mu]`; the levels are integers, so
    /// `floor(x)` brackets the same way and a table gives `mu` directly. The final choice is ggml's
    /// own comparison, so the result is the same for every input.
    @inline(__always)
    static func nearestLevel(_ x: Float, _ values: UnsafePointer<Float>, _ above: UnsafePointer<UInt8>) -> Int {
        if x <= values[0] { return 0 }
        if x >= values[15] { return 15 }
        // NaN compares false everywhere; ggml's bisection then ends on the top level.
        if x != x { return 15 }
        // `x` is inside (-127, 113) here, so the conversion cannot trap.
        var floor = Int32(x)
        if Float(floor) > x { floor -= 1 }
        let high = Int(above[Int(floor) + 127])
        return x - values[high - 1] < values[high] - x ? high - 1 : high
    }

    /// One super block of `count` values (32 for IQ4_NL, 256 for IQ4_XS) at `x`.
    ///
    /// Writes the 4-bit codes to `codes` (`count / 2` bytes, element `j` and `j + 16` of each
    /// 32-block in one byte) and returns the F16 scale bits and, for several blocks, the
    /// 6-bit block scales (`0...63`, offset by 32).
    static func quantize(_ x: UnsafePointer<Float>, count: Int, importance: UnsafePointer<Float>?,
                         codes: UnsafeMutablePointer<UInt8>, blockScales: inout [Int32],
                         simdLevel: Int = NonLinearFour.simdLevel) -> UInt16 {
        // Stack scratch: this runs once per 32 values for IQ4_NL, where heap arrays would dominate.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { indices in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 + 32 + 3 * 16) { scratch in
        levels.withUnsafeBufferPointer { table in
        levelAbove.withUnsafeBufferPointer { aboveTable in
            let values = table.baseAddress!, above = aboveTable.baseAddress!
            let blocks = count / 32
            var sigma2: Float = 0
            for j in 0 ..< count { sigma2 += x[j] * x[j] }
            sigma2 *= 2 / Float(count)

            let scales = scratch.baseAddress!, weight = scratch.baseAddress! + 8
            let inverses = weight + 32, trialQX = inverses + 16, trialQ2 = trialQX + 16
            var maxScale: Float = 0, maxScaleMagnitude: Float = 0
            for block in 0 ..< blocks {
                let xb = x + block * 32
                if let importance {
                    let qw = importance + block * 32
                    for j in 0 ..< 32 { weight[j] = qw[j] * (sigma2 + xb[j] * xb[j]).squareRoot() }
                } else {
                    for j in 0 ..< 32 { weight[j] = xb[j] * xb[j] }
                }
                var magnitude: Float = 0, largest: Float = 0
                for j in 0 ..< 32 where abs(xb[j]) > magnitude {
                    magnitude = abs(xb[j])
                    largest = xb[j]
                }
                if magnitude < GGMLScalar.groupMaxEpsilon {
                    scales[block] = 0
                    continue
                }
                var d = -largest / values[0]
                if simdLevel > 0 {
                    // Lanes 0...14: the trials in ggml's order; lane 15: the first guess.
                    for attempt in -tries ... tries { inverses[attempt + tries] = (Float(attempt) + values[0]) / largest }
                    inverses[15] = 1 / d
                    ggufkit_iq4_trial_sums(xb, weight, inverses, values, trialQX, trialQ2, Int32(simdLevel))
                    d = trialQ2[15] > 0 ? trialQX[15] / trialQ2[15] : 0
                    var best = d * trialQX[15]
                    for lane in 0 ..< 15 {
                        let sumQX = trialQX[lane], sumQ2 = trialQ2[lane]
                        if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                            d = sumQX / sumQ2
                            best = d * sumQX
                        }
                    }
                } else {
                    var inverse = 1 / d
                    var sumQX: Float = 0, sumQ2: Float = 0
                    for j in 0 ..< 32 {
                        let q = values[nearestLevel(inverse * xb[j], values, above)], w = weight[j]
                        sumQX += w * q * xb[j]
                        sumQ2 += w * q * q
                    }
                    d = sumQ2 > 0 ? sumQX / sumQ2 : 0
                    var best = d * sumQX
                    for attempt in -tries ... tries {
                        inverse = (Float(attempt) + values[0]) / largest
                        sumQX = 0
                        sumQ2 = 0
                        for j in 0 ..< 32 {
                            let q = values[nearestLevel(inverse * xb[j], values, above)], w = weight[j]
                            sumQX += w * q * xb[j]
                            sumQ2 += w * q * q
                        }
                        if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                            d = sumQX / sumQ2
                            best = d * sumQX
                        }
                    }
                }
                scales[block] = d
                if abs(d) > maxScaleMagnitude {
                    maxScaleMagnitude = abs(d)
                    maxScale = d
                }
            }

            let scaleBits: UInt16
            if blocks > 1 {
                let d = -maxScale / 32
                scaleBits = GGMLScalar.halfBits(d)
                let inverse: Float = d != 0 ? 1 / d : 0
                for block in 0 ..< blocks {
                    var l = GGMLScalar.nearestInt(inverse * scales[block])
                    l = GGMLScalar.clamp(l, -32, 31)
                    let dl = d * Float(l)
                    let inverseBlock: Float = dl != 0 ? 1 / dl : 0
                    let xb = x + block * 32
                    for j in 0 ..< 32 { indices[block * 32 + j] = UInt8(nearestLevel(inverseBlock * xb[j], values, above)) }
                    blockScales[block] = l + 32
                }
            } else {
                scaleBits = GGMLScalar.halfBits(scales[0])
                let inverse: Float = scales[0] != 0 ? 1 / scales[0] : 0
                for j in 0 ..< count { indices[j] = UInt8(nearestLevel(inverse * x[j], values, above)) }
            }
            for block in 0 ..< blocks {
                for j in 0 ..< 16 {
                    codes[16 * block + j] = indices[32 * block + j] | (indices[32 * block + 16 + j] << 4)
                }
            }
            return scaleBits
        }
        }
        }
        }
    }

    /// Decodes `blocks` 32-value blocks of codes with one F32 scale each.
    @inline(__always)
    static func dequantize(codes: UnsafePointer<UInt8>, scale: Float, into y: UnsafeMutablePointer<Float>) {
        levels.withUnsafeBufferPointer { table in
            for j in 0 ..< 16 {
                y[j] = scale * table[Int(codes[j] & 0x0F)]
                y[j + 16] = scale * table[Int(codes[j] >> 4)]
            }
        }
    }
}
