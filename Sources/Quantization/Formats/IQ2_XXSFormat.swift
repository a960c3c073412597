import GGUF

/// IQ2_XXS (2.06 bits per weight): super-blocks of 256 values in groups of 8, each group a point
/// of a 256-point grid on the E8 lattice (one byte) plus 7 sign bits; a 4-bit scale per 32
/// values times one F16 scale. Layout: `d` (F16), then per 32 values two little-endian UInt32:
/// four grid bytes, then four 7-bit sign groups and the 4-bit scale in the top bits.
///
/// ggml's `quantize_iq2_xxs`. ggml needs an importance matrix for this format (file types that
/// use it refuse to run without one); given none, every column weighs 1.
public struct IQ2_XXSFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq2_xxs }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let lattice = TwoBitLattice.iq2xxs
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8 + 4 * 32) { floats in
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 64) { bytes in
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { packed in
        lattice.pointIndex.withUnsafeBufferPointer { pointIndex in
            let scales = floats.baseAddress!, weight = scales + 8, root = weight + 32, magnitude = root + 32
            let levels = bytes.baseAddress!, trial = levels + 32
            let q2 = packed.baseAddress!
            var blockSigns = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
            for block in 0 ..< blocks {
                let xbl = input + block * 256
                let y = output + block * 66
                y.storeBytes(of: UInt16(0), toByteOffset: 0, as: UInt16.self)
                for i in 0 ..< 16 { q2[i] = 0 }
                var maxScale: Float = 0
                var sumX2: Float = 0
                for i in 0 ..< 256 { sumX2 += xbl[i] * xbl[i] }
                let sigma2 = sumX2 / 256

                for group in 0 ..< 8 {
                    let xb = xbl + 32 * group
                    TwoBitLatticeSearch.weights(xb, count: 32, importance: weights.map { $0 + block * 256 + 32 * group },
                                                sigma2: sigma2, weight: weight, root: root)
                    withUnsafeMutableBytes(of: &blockSigns) { signs in
                        for k in 0 ..< 4 {
                            signs[k] = TwoBitLatticeSearch.signs(xb + 8 * k, weight: weight + 8 * k,
                                                                 magnitude: magnitude + 8 * k)
                        }
                    }
                    var largest = magnitude[0]
                    for i in 1 ..< 32 { largest = GGMLScalar.cMax(largest, magnitude[i]) }
                    if largest < GGMLScalar.groupMaxEpsilon {
                        scales[group] = 0
                        continue
                    }
                    var scale = levels.withMemoryRebound(to: UInt8.self, capacity: 32) {
                        ScaleLevelSearch.search(count: 32, nmax: TwoBitLatticeSearch.maxLevel + 2, magnitude,
                                                levels: $0, weights: weight)
                    }
                    let effectiveMax = scale * Float(TwoBitLatticeSearch.maxLevel + 1)
                    if effectiveMax <= 0 {
                        scales[group] = 0
                        continue
                    }
                    var best: Float = 0
                    for step in -6 ... 6 {
                        let inverse = (5 + Float(step) * 0.1) / effectiveMax
                        let trialScale = 1 / inverse
                        for k in 0 ..< 4 {
                            let index = TwoBitLatticeSearch.levelIndex(magnitude + 8 * k, inverse: inverse,
                                                                       levels: trial + 8 * k)
                            if pointIndex[index] < 0 {
                                _ = lattice.bestNeighbour(of: index, magnitude + 8 * k, root + 8 * k, scale: trialScale,
                                                          levels: trial + 8 * k)
                            }
                        }
                        let (sumQX, sumQ2) = TwoBitLatticeSearch.sums(magnitude, trial, weight, count: 32)
                        if sumQ2 > 0, sumQX * sumQX > best * sumQ2 {
                            scale = sumQX / sumQ2
                            best = scale * sumQX
                            levels.update(from: trial, count: 32)
                        }
                    }
                    if scale > 0 {
                        let inverse = 1 / scale
                        for k in 0 ..< 4 {
                            let index = TwoBitLatticeSearch.levelIndex(magnitude + 8 * k, inverse: inverse,
                                                                       levels: levels + 8 * k)
                            var point = Int(pointIndex[index])
                            if point < 0 {
                                point = lattice.bestNeighbour(of: index, magnitude + 8 * k, root + 8 * k, scale: scale,
                                                              levels: levels + 8 * k)
                            }
                            lattice.setLevels(of: point, into: levels + 8 * k)
                        }
                        let (sumQX, sumQ2) = TwoBitLatticeSearch.sums(magnitude, levels, weight, count: 32)
                        if sumQ2 > 0 { scale = sumQX / sumQ2 }
                    }
                    if scale < 0 {
                        // ggml guards against this; scales are stored unsigned, so the signs flip instead.
                        scale = -scale
                        withUnsafeMutableBytes(of: &blockSigns) { signs in
                            for k in 0 ..< 4 { signs[k] = ~signs[k] & 127 }
                        }
                    }
                    withUnsafeBytes(of: &blockSigns) { signs in
                        for k in 0 ..< 4 {
                            let point = max(0, Int(pointIndex[TwoBitLatticeSearch.index(of: levels + 8 * k)]))
                            q2[2 * group] |= UInt32(point) << (8 * UInt32(k))
                            q2[2 * group + 1] |= UInt32(signs[k]) << (7 * UInt32(k))
                        }
                    }
                    scales[group] = scale
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }

                let qs = y + 2
                if maxScale == 0 {
                    for i in 0 ..< 64 { qs.storeBytes(of: UInt8(0), toByteOffset: i, as: UInt8.self) }
                    continue
                }
                let d = maxScale / 31
                GGMLScalar.storeHalf(d, y, 0)
                let inverse = 1 / d
                for group in 0 ..< 8 {
                    let l = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[group] - 1)), 0, 15)
                    q2[2 * group + 1] |= UInt32(bitPattern: l) << 28
                }
                for i in 0 ..< 16 { qs.storeBytes(of: q2[i].littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
            }
        }
        }
        }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        IQTables.iq2xxsLevels.withUnsafeBufferPointer { levels in
            IQTables.iq2xxsGrid.withUnsafeBufferPointer { grid in
                for block in 0 ..< blocks {
                    let x = input + block * 66
                    let d = GGMLScalar.loadHalf(x, 0)
                    for group in 0 ..< 8 {
                        let points = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 2 + 8 * group, as: UInt32.self))
                        let rest = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 6 + 8 * group, as: UInt32.self))
                        let scale = d * (0.5 + Float(rest >> 28)) * 0.25
                        for k in 0 ..< 4 {
                            TwoBitLatticeSearch.decode(point: Int((points >> (8 * UInt32(k))) & 0xFF),
                                                       levels: levels.baseAddress!, grid: grid.baseAddress!,
                                                       signs: UInt8((rest >> (7 * UInt32(k))) & 127), scale: scale,
                                                       into: output + block * 256 + 32 * group + 8 * k)
                        }
                    }
                }
            }
        }
    }
}
