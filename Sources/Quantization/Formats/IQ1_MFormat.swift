import GGUF

/// IQ1_M (1.75 bits per weight): groups of 8 values on IQ1_S's 2048-point grid, each group with
/// its own shift `±1/8`, a 3-bit scale per 16 values, and the F16 super-block scale spread over
/// the scales' top nibbles. Layout: 32 low bytes of the grid indices; per 16 values one byte of
/// the two indices' top 3 bits and shift signs (bits 3 and 7); then 4 little-endian UInt16 of
/// four 3-bit scales each, the F16 scale's nibbles in their bits 12–15.
///
/// ggml's `quantize_iq1_m`: per 16 values an exhaustive search of the two boundaries that split
/// the sorted values into the three levels, for each pair of shifts. Without importance each
/// value weighs `x²`, as in ggml; llama-quantize still refuses IQ1_M tensors without a matrix.
public struct IQ1_MFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq1_m }

    /// ggml's `GROUP_MAX_EPS_IQ1_M` (1e-7f).
    static let groupMaxEpsilon = Float(bitPattern: 0x33D6_BF95)
    /// ggml's fudge factor on the super-block scale (1.1125f).
    static let scaleFudge = Float(bitPattern: 0x3F8E_6666)

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let lattice = TwoBitLattice.iq1s
        let (p0, p1, p2) = TernarySearch.plus
        let (m0, m1, m2) = TernarySearch.minus
        let cp1 = p0 * p0 - p1 * p1, cp2 = p1 * p1 - p2 * p2
        let cm1 = m0 * m0 - m1 * m1, cm2 = m1 * m1 - m2 * m2
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 + 16 + 4 * 17 + 6) { floats in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 16 + 16 + 2) { ints in
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 16) { bytes in
        lattice.pointIndex.withUnsafeBufferPointer { pointIndex in
            let scales = floats.baseAddress!, weight = scales + 16
            let lowX = weight + 16, highX = lowX + 17, lowW = highX + 17, highW = lowW + 17
            let plus = highW + 17, minus = plus + 3
            (plus[0], plus[1], plus[2]) = TernarySearch.plus
            (minus[0], minus[1], minus[2]) = TernarySearch.minus
            let order = ints.baseAddress!, shifts = order + 16, index = shifts + 16
            let levels = bytes.baseAddress!

            func setWeights(_ xb: UnsafePointer<Float>, _ offset: Int, _ sigma2: Float) {
                if let weights {
                    for i in 0 ..< 16 { weight[i] = weights[offset + i] * (sigma2 + xb[i] * xb[i]).squareRoot() }
                } else {
                    for i in 0 ..< 16 { weight[i] = xb[i] * xb[i] }
                }
            }
            // The shift of group-of-8 `k` for a pair choice: 0 = (+, +), 1 = (+, -), 2 = (-, +), 3 = (-, -).
            func shiftValues(_ choice: Int32, _ k: Int) -> UnsafePointer<Float> {
                let positive = k == 0 ? choice < 2 : choice % 2 == 0
                return UnsafePointer(positive ? plus : minus)
            }

            for block in 0 ..< blocks {
                let xbl = input + block * 256
                let y = output + block * 56
                for i in 0 ..< 56 { y.storeBytes(of: UInt8(0), toByteOffset: i, as: UInt8.self) }
                var maxScale: Float = 0
                var sumX2: Float = 0
                for i in 0 ..< 256 { sumX2 += xbl[i] * xbl[i] }
                let sigma2 = 2 * sumX2 / 256

                for group in 0 ..< 16 {
                    let xb = xbl + 16 * group
                    setWeights(xb, block * 256 + 16 * group, sigma2)
                    var largest = abs(xb[0])
                    for i in 1 ..< 16 { largest = GGMLScalar.cMax(largest, abs(xb[i])) }
                    if largest < Self.groupMaxEpsilon {
                        scales[group] = 0
                        shifts[group] = 0
                        continue
                    }
                    TernarySearch.ascendingOrder(xb, count: 16, into: order)
                    // Prefix sums per half of the group, since each half takes its own shift.
                    lowX[0] = 0; highX[0] = 0; lowW[0] = 0; highW[0] = 0
                    for j in 0 ..< 16 {
                        let i = Int(order[j])
                        if i < 8 {
                            lowX[j + 1] = lowX[j] + weight[i] * xb[i]
                            lowW[j + 1] = lowW[j] + weight[i]
                            highX[j + 1] = highX[j]
                            highW[j + 1] = highW[j]
                        } else {
                            highX[j + 1] = highX[j] + weight[i] * xb[i]
                            highW[j + 1] = highW[j] + weight[i]
                            lowX[j + 1] = lowX[j]
                            lowW[j + 1] = lowW[j]
                        }
                    }
                    let totalX = (lowX[16], highX[16]), totalW = (lowW[16], highW[16])
                    var best = -Float.greatestFiniteMagnitude
                    var scale = largest
                    var bestI1 = -1, bestI2 = -1
                    var bestChoice: Int32 = -1
                    for i1 in 0 ... 16 {
                        for i2 in i1 ... 16 {
                            // Since the level values step by 1, the three-level sum for a split is
                            // `total · v₂ − S(i1) − S(i2)`.
                            let sx0 = lowX[i1] + lowX[i2], sx1 = highX[i1] + highX[i2]
                            let qxP0 = totalX.0 * p2 - sx0, qxM0 = totalX.0 * m2 - sx0
                            let qxP1 = totalX.1 * p2 - sx1, qxM1 = totalX.1 * m2 - sx1
                            let q2P0 = totalW.0 * p2 * p2 + lowW[i1] * cp1 + lowW[i2] * cp2
                            let q2M0 = totalW.0 * m2 * m2 + lowW[i1] * cm1 + lowW[i2] * cm2
                            let q2P1 = totalW.1 * p2 * p2 + highW[i1] * cp1 + highW[i2] * cp2
                            let q2M1 = totalW.1 * m2 * m2 + highW[i1] * cm1 + highW[i2] * cm2
                            let sumQX = (qxP0 + qxP1, qxP0 + qxM1, qxM0 + qxP1, qxM0 + qxM1)
                            let sumQ2 = (q2P0 + q2P1, q2P0 + q2M1, q2M0 + q2P1, q2M0 + q2M1)
                            if sumQ2.0 > 0, sumQX.0 * sumQX.0 > best * sumQ2.0 {
                                scale = sumQX.0 / sumQ2.0; best = scale * sumQX.0
                                bestI1 = i1; bestI2 = i2; bestChoice = 0
                            }
                            if sumQ2.1 > 0, sumQX.1 * sumQX.1 > best * sumQ2.1 {
                                scale = sumQX.1 / sumQ2.1; best = scale * sumQX.1
                                bestI1 = i1; bestI2 = i2; bestChoice = 1
                            }
                            if sumQ2.2 > 0, sumQX.2 * sumQX.2 > best * sumQ2.2 {
                                scale = sumQX.2 / sumQ2.2; best = scale * sumQX.2
                                bestI1 = i1; bestI2 = i2; bestChoice = 2
                            }
                            if sumQ2.3 > 0, sumQX.3 * sumQX.3 > best * sumQ2.3 {
                                scale = sumQX.3 / sumQ2.3; best = scale * sumQX.3
                                bestI1 = i1; bestI2 = i2; bestChoice = 3
                            }
                        }
                    }
                    if bestI1 < 0 || bestI2 < 0 || bestChoice < 0 {
                        scales[group] = 0
                        shifts[group] = 0
                        continue
                    }
                    for j in 0 ..< 16 { levels[Int(order[j])] = j < bestI1 ? 0 : j < bestI2 ? 1 : 2 }
                    if scale < 0 {
                        for j in 0 ..< 16 { levels[j] = 2 - levels[j] }
                        scale = -scale
                        bestChoice = 3 - bestChoice
                    }
                    var allOnGrid = true
                    for k in 0 ..< 2 {
                        let u = TwoBitLatticeSearch.index(of: levels + 8 * k)
                        var point = Int(pointIndex[u])
                        if point < 0 {
                            allOnGrid = false
                            point = TernarySearch.bestNeighbour(in: lattice, of: u, xb + 8 * k, weight + 8 * k,
                                                                scale: scale, shifted: shiftValues(bestChoice, k),
                                                                levels: levels + 8 * k)
                        }
                        index[k] = Int32(point)
                    }
                    if !allOnGrid {
                        var sumQX: Float = 0, sumQ2: Float = 0
                        for k in 0 ..< 2 {
                            let shifted = shiftValues(bestChoice, k)
                            for j in 0 ..< 8 {
                                let w = weight[8 * k + j]
                                let q = shifted[Int(lattice.positions[Int(index[k]) * 8 + j] - 1) / 2]
                                sumQX += w * q * xb[8 * k + j]
                                sumQ2 += w * q * q
                            }
                        }
                        if sumQX > 0, sumQ2 > 0 { scale = sumQX / sumQ2 }
                    }
                    y.storeBytes(of: UInt8(truncatingIfNeeded: index[0]), toByteOffset: 2 * group, as: UInt8.self)
                    y.storeBytes(of: UInt8(truncatingIfNeeded: index[1]), toByteOffset: 2 * group + 1, as: UInt8.self)
                    let high = UInt8(truncatingIfNeeded: (index[0] >> 8) | ((index[1] >> 8) << 4))
                    y.storeBytes(of: high, toByteOffset: 32 + group, as: UInt8.self)
                    scales[group] = scale
                    shifts[group] = bestChoice
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }

                if maxScale == 0 { continue }
                var packed: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
                var d = maxScale / 15
                let inverse = 1 / d
                var sumQX: Float = 0, sumQ2: Float = 0
                let shiftMasks: [UInt8] = [0x00, 0x80, 0x08, 0x88]
                withUnsafeMutableBytes(of: &packed) { packedBytes in
                    let sc = packedBytes.baseAddress!.assumingMemoryBound(to: UInt16.self)
                    for group in 0 ..< 16 {
                        let l = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[group] - 1)), 0, 7)
                        sc[group / 4] |= UInt16(l) << (3 * UInt16(group % 4))
                        let high = y.load(fromByteOffset: 32 + group, as: UInt8.self) | shiftMasks[Int(shifts[group])]
                        y.storeBytes(of: high, toByteOffset: 32 + group, as: UInt8.self)
                        let xb = xbl + 16 * group
                        setWeights(xb, block * 256 + 16 * group, sigma2)
                        let multiplier = Float(2 * l + 1)
                        for k in 0 ..< 2 {
                            let shifted = shiftValues(shifts[group], k)
                            let low = Int(y.load(fromByteOffset: 2 * group + k, as: UInt8.self))
                            let point = low + ((Int(high) << (8 - 4 * k)) & 0x700)
                            for j in 0 ..< 8 {
                                let w = weight[8 * k + j]
                                let q = shifted[Int(lattice.positions[point * 8 + j] - 1) / 2] * multiplier
                                sumQX += w * q * xb[8 * k + j]
                                sumQ2 += w * q * q
                            }
                        }
                    }
                }
                if sumQ2 > 0 { d = sumQX / sumQ2 }
                let bits = GGMLScalar.halfBits(d * Self.scaleFudge)
                packed.0 |= (bits & 0x000F) << 12
                packed.1 |= (bits & 0x00F0) << 8
                packed.2 |= (bits & 0x0F00) << 4
                packed.3 |= bits & 0xF000
                y.storeBytes(of: packed.0.littleEndian, toByteOffset: 48, as: UInt16.self)
                y.storeBytes(of: packed.1.littleEndian, toByteOffset: 50, as: UInt16.self)
                y.storeBytes(of: packed.2.littleEndian, toByteOffset: 52, as: UInt16.self)
                y.storeBytes(of: packed.3.littleEndian, toByteOffset: 54, as: UInt16.self)
            }
        }
        }
        }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        IQTables.iq1sGrid.withUnsafeBufferPointer { grid in
            for block in 0 ..< blocks {
                let x = input + block * 56
                var sc = [UInt16](repeating: 0, count: 4)
                for i in 0 ..< 4 { sc[i] = UInt16(littleEndian: x.loadUnaligned(fromByteOffset: 48 + 2 * i, as: UInt16.self)) }
                let bits = (sc[0] >> 12) | ((sc[1] >> 8) & 0x00F0) | ((sc[2] >> 4) & 0x0F00) | (sc[3] & 0xF000)
                let d = GGMLScalar.float(fromHalf: bits)
                for group in 0 ..< 16 {
                    let scale = d * Float(2 * Int((sc[group / 4] >> (3 * UInt16(group % 4))) & 7) + 1)
                    let high = x.load(fromByteOffset: 32 + group, as: UInt8.self)
                    for k in 0 ..< 2 {
                        let low = Int(x.load(fromByteOffset: 2 * group + k, as: UInt8.self))
                        let part = high >> (4 * UInt8(k))
                        let point = low | Int(part & 7) << 8
                        let delta = part & 0x08 != 0 ? -TernarySearch.delta : TernarySearch.delta
                        TernarySearch.decode(code: grid[point], scale: scale, delta: delta,
                                             into: output + block * 256 + 16 * group + 8 * k)
                    }
                }
            }
        }
    }
}
