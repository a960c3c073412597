import GGUF

/// IQ1_S (1.5625 bits per weight): groups of 8 values, each a point of a 2048-point grid of
/// values -1, 0, 1; a group of 32 adds one shift `±1/8` to all its values and a 3-bit scale.
/// Layout: `d` (F16), 32 low bytes of the grid indices, then per 32 values a little-endian
/// UInt16: the indices' top 3 bits (3 per group of 8), the scale in bits 12–14, the shift's
/// sign in bit 15.
///
/// ggml's `quantize_iq1_s`: per 32 values an exhaustive search of the two boundaries that
/// split the sorted values into the three levels, for both shifts. ggml needs an importance
/// matrix for this format (file types that use it refuse to run without one); given none,
/// every column weighs 1.
public struct IQ1_SFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq1_s }

    /// ggml's `GROUP_MAX_EPS_IQ1_S` (1e-12f).
    static let groupMaxEpsilon = Float(bitPattern: 0x2B8C_BCCC)
    /// ggml's fudge factor on the super-block scale (1.125f).
    static let scaleFudge = Float(bitPattern: 0x3F90_0000)

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let lattice = TwoBitLattice.iq1s
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 + 32 + 2 * 33 + 6) { floats in
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: 32 + 8 + 4) { ints in
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 32) { bytes in
        lattice.pointIndex.withUnsafeBufferPointer { pointIndex in
            let scales = floats.baseAddress!, weight = scales + 8, sumX = weight + 32, sumW = sumX + 33
            let plus = sumW + 33, minus = plus + 3
            (plus[0], plus[1], plus[2]) = TernarySearch.plus
            (minus[0], minus[1], minus[2]) = TernarySearch.minus
            let order = ints.baseAddress!, shifts = order + 32, index = shifts + 8
            let levels = bytes.baseAddress!
            for block in 0 ..< blocks {
                let xbl = input + block * 256
                let y = output + block * 50
                for i in 0 ..< 50 { y.storeBytes(of: UInt8(0), toByteOffset: i, as: UInt8.self) }
                var maxScale: Float = 0
                var sumX2: Float = 0
                for i in 0 ..< 256 { sumX2 += xbl[i] * xbl[i] }
                let sigma2 = 2 * sumX2 / 256

                for group in 0 ..< 8 {
                    let xb = xbl + 32 * group
                    for i in 0 ..< 32 {
                        let w: Float = weights?[block * 256 + 32 * group + i] ?? 1
                        weight[i] = w * (sigma2 + xb[i] * xb[i]).squareRoot()
                    }
                    var largest = abs(xb[0])
                    for i in 1 ..< 32 { largest = GGMLScalar.cMax(largest, abs(xb[i])) }
                    if largest < Self.groupMaxEpsilon {
                        scales[group] = 0
                        shifts[group] = 1
                        continue
                    }
                    TernarySearch.ascendingOrder(xb, count: 32, into: order)
                    sumX[0] = 0
                    sumW[0] = 0
                    for j in 0 ..< 32 {
                        let i = Int(order[j])
                        sumX[j + 1] = sumX[j] + weight[i] * xb[i]
                        sumW[j + 1] = sumW[j] + weight[i]
                    }
                    var best = -Float.greatestFiniteMagnitude
                    var scale = largest
                    var bestI1 = -1, bestI2 = -1, bestShift: Int32 = 0
                    let totalX = sumX[32], totalW = sumW[32]
                    for i1 in 0 ... 32 {
                        let lowX = sumX[i1] - sumX[0], lowW = sumW[i1] - sumW[0]
                        for i2 in i1 ... 32 {
                            let midX = sumX[i2] - sumX[i1], highX = totalX - sumX[i2]
                            let midW = sumW[i2] - sumW[i1], highW = totalW - sumW[i2]
                            var sumQX = lowX * plus[0] + midX * plus[1] + highX * plus[2]
                            var sumQ2 = lowW * plus[0] * plus[0] + midW * plus[1] * plus[1] + highW * plus[2] * plus[2]
                            if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                                scale = sumQX / sumQ2
                                best = scale * sumQX
                                bestI1 = i1
                                bestI2 = i2
                                bestShift = 1
                            }
                            sumQX = lowX * minus[0] + midX * minus[1] + highX * minus[2]
                            sumQ2 = lowW * minus[0] * minus[0] + midW * minus[1] * minus[1]
                                + highW * minus[2] * minus[2]
                            if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                                scale = sumQX / sumQ2
                                best = scale * sumQX
                                bestI1 = i1
                                bestI2 = i2
                                bestShift = -1
                            }
                        }
                    }
                    if bestI1 < 0 || bestI2 < 0 || bestShift == 0 {
                        scales[group] = 0
                        shifts[group] = 1
                        continue
                    }
                    for j in 0 ..< 32 { levels[Int(order[j])] = j < bestI1 ? 0 : j < bestI2 ? 1 : 2 }
                    if scale < 0 {
                        for j in 0 ..< 32 { levels[j] = 2 - levels[j] }
                        scale = -scale
                        bestShift = -bestShift
                    }
                    let shifted = bestShift == 1 ? UnsafePointer(plus) : UnsafePointer(minus)
                    var allOnGrid = true
                    for k in 0 ..< 4 {
                        let u = TwoBitLatticeSearch.index(of: levels + 8 * k)
                        var point = Int(pointIndex[u])
                        if point < 0 {
                            allOnGrid = false
                            point = TernarySearch.bestNeighbour(in: lattice, of: u, xb + 8 * k, weight + 8 * k,
                                                                scale: scale, shifted: shifted, levels: levels + 8 * k)
                        }
                        index[k] = Int32(point)
                    }
                    if !allOnGrid {
                        var sumQX: Float = 0, sumQ2: Float = 0
                        for k in 0 ..< 4 {
                            for j in 0 ..< 8 {
                                let w = weight[8 * k + j]
                                let q = shifted[Int(lattice.positions[Int(index[k]) * 8 + j] - 1) / 2]
                                sumQX += w * q * xb[8 * k + j]
                                sumQ2 += w * q * q
                            }
                        }
                        if sumQX > 0, sumQ2 > 0 { scale = sumQX / sumQ2 }
                    }
                    var high: UInt16 = 0
                    for k in 0 ..< 4 {
                        y.storeBytes(of: UInt8(truncatingIfNeeded: index[k]), toByteOffset: 2 + 4 * group + k, as: UInt8.self)
                        high |= UInt16(truncatingIfNeeded: index[k] >> 8) << (3 * UInt16(k))
                    }
                    y.storeBytes(of: high.littleEndian, toByteOffset: 34 + 2 * group, as: UInt16.self)
                    scales[group] = scale
                    shifts[group] = bestShift
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }

                if maxScale == 0 { continue }
                let d = maxScale / 15
                GGMLScalar.storeHalf(d * Self.scaleFudge, y, 0)
                let inverse = 1 / d
                for group in 0 ..< 8 {
                    var l = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[group] - 1)), 0, 7)
                    if shifts[group] == -1 { l |= 8 }
                    let offset = 34 + 2 * group
                    let high = UInt16(littleEndian: y.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                    y.storeBytes(of: (high | UInt16(l) << 12).littleEndian, toByteOffset: offset, as: UInt16.self)
                }
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
                let x = input + block * 50
                let d = GGMLScalar.loadHalf(x, 0)
                for group in 0 ..< 8 {
                    let high = UInt16(littleEndian: x.loadUnaligned(fromByteOffset: 34 + 2 * group, as: UInt16.self))
                    let scale = d * Float(2 * Int((high >> 12) & 7) + 1)
                    let delta = high & 0x8000 != 0 ? -TernarySearch.delta : TernarySearch.delta
                    for k in 0 ..< 4 {
                        let low = Int(x.load(fromByteOffset: 2 + 4 * group + k, as: UInt8.self))
                        let point = low | (Int(high >> (3 * UInt16(k))) & 7) << 8
                        TernarySearch.decode(code: grid[point], scale: scale, delta: delta,
                                             into: output + block * 256 + 32 * group + 8 * k)
                    }
                }
            }
        }
    }
}
