import GGUF

/// IQ2_XS (2.31 bits per weight): like IQ2_XXS but on a 512-point grid, with a 4-bit scale per
/// 16 values. Layout: `d` (F16), 32 little-endian UInt16 (9-bit grid index, 7 sign bits), then
/// 8 bytes of scale pairs.
///
/// ggml's `quantize_iq2_xs`. ggml needs an importance matrix for this format (file types that
/// use it refuse to run without one); given none, every column weighs 1.
public struct IQ2_XSFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq2_xs }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let lattice = TwoBitLattice.iq2xs
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 + 3 * 16) { floats in
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 32) { bytes in
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 32) { packed in
        lattice.pointIndex.withUnsafeBufferPointer { pointIndex in
            let scales = floats.baseAddress!, weight = scales + 16, root = weight + 16, magnitude = root + 16
            let levels = bytes.baseAddress!, trial = levels + 16
            let q2 = packed.baseAddress!
            var blockSigns = (UInt8(0), UInt8(0))
            for block in 0 ..< blocks {
                let xbl = input + block * 256
                let y = output + block * 74
                y.storeBytes(of: UInt16(0), toByteOffset: 0, as: UInt16.self)
                for i in 0 ..< 32 { q2[i] = 0 }
                for i in 0 ..< 8 { y.storeBytes(of: UInt8(0), toByteOffset: 66 + i, as: UInt8.self) }
                var maxScale: Float = 0
                var sumX2: Float = 0
                for i in 0 ..< 256 { sumX2 += xbl[i] * xbl[i] }
                let sigma2 = sumX2 / 256

                for group in 0 ..< 16 {
                    let xb = xbl + 16 * group
                    TwoBitLatticeSearch.weights(xb, count: 16, importance: weights.map { $0 + block * 256 + 16 * group },
                                                sigma2: sigma2, weight: weight, root: root)
                    withUnsafeMutableBytes(of: &blockSigns) { signs in
                        for k in 0 ..< 2 {
                            signs[k] = TwoBitLatticeSearch.signs(xb + 8 * k, weight: weight + 8 * k,
                                                                 magnitude: magnitude + 8 * k)
                        }
                    }
                    var largest = magnitude[0]
                    for i in 1 ..< 16 { largest = GGMLScalar.cMax(largest, magnitude[i]) }
                    for i in 0 ..< 16 { levels[i] = 0 }
                    if largest < GGMLScalar.groupMaxEpsilon {
                        scales[group] = 0
                        continue
                    }
                    var scale = TwoBitLatticeSearch.searchSixteen(magnitude, weight: weight, root: root, largest: largest,
                                                                  lattice: lattice, pointIndex: pointIndex.baseAddress!,
                                                                  levels: levels, trial: trial)
                    if scale < 0 {
                        // ggml guards against this; scales are stored unsigned, so the signs flip instead.
                        scale = -scale
                        withUnsafeMutableBytes(of: &blockSigns) { signs in
                            for k in 0 ..< 2 { signs[k] = ~signs[k] & 127 }
                        }
                    }
                    withUnsafeBytes(of: &blockSigns) { signs in
                        for k in 0 ..< 2 {
                            let point = max(0, Int(pointIndex[TwoBitLatticeSearch.index(of: levels + 8 * k)]))
                            q2[2 * group + k] = UInt16(point) | (UInt16(signs[k]) << 9)
                        }
                    }
                    scales[group] = scale
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }

                if maxScale == 0 {
                    for i in 0 ..< 64 { y.storeBytes(of: UInt8(0), toByteOffset: 2 + i, as: UInt8.self) }
                    continue
                }
                let d = maxScale / 31
                GGMLScalar.storeHalf(d, y, 0)
                let inverse = 1 / d
                for group in 0 ..< 16 {
                    let l = UInt8(GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[group] - 1)), 0, 15))
                    let offset = 66 + group / 2
                    if group % 2 == 0 {
                        y.storeBytes(of: l, toByteOffset: offset, as: UInt8.self)
                    } else {
                        y.storeBytes(of: y.load(fromByteOffset: offset, as: UInt8.self) | (l << 4), toByteOffset: offset,
                                     as: UInt8.self)
                    }
                }
                for i in 0 ..< 32 { y.storeBytes(of: q2[i].littleEndian, toByteOffset: 2 + 2 * i, as: UInt16.self) }
            }
        }
        }
        }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        IQTables.iq2xsLevels.withUnsafeBufferPointer { levels in
            IQTables.iq2xsGrid.withUnsafeBufferPointer { grid in
                for block in 0 ..< blocks {
                    let x = input + block * 74
                    let d = GGMLScalar.loadHalf(x, 0)
                    for group in 0 ..< 8 {
                        let packedScales = x.load(fromByteOffset: 66 + group, as: UInt8.self)
                        let halves = (d * (0.5 + Float(packedScales & 0x0F)) * 0.25,
                                      d * (0.5 + Float(packedScales >> 4)) * 0.25)
                        for k in 0 ..< 4 {
                            let code = UInt16(littleEndian: x.loadUnaligned(fromByteOffset: 2 + 2 * (4 * group + k),
                                                                            as: UInt16.self))
                            TwoBitLatticeSearch.decode(point: Int(code & 511), levels: levels.baseAddress!,
                                                       grid: grid.baseAddress!, signs: UInt8(code >> 9),
                                                       scale: k < 2 ? halves.0 : halves.1,
                                                       into: output + block * 256 + 32 * group + 8 * k)
                        }
                    }
                }
            }
        }
    }
}
