import GGUF

/// IQ2_S (2.56 bits per weight): groups of 8 on a 1024-point grid with 8 explicit sign bits and
/// a 4-bit scale per 16 values. Layout: `d` (F16), 32 low bytes of the grid indices, 32 sign
/// bytes, 8 bytes of the indices' top 2 bits, then 8 bytes of scale pairs.
///
/// ggml's `quantize_iq2_s`, with or without importance (without, each value weighs
/// `σ²/4 + x²`). llama-quantize still refuses IQ2_S tensors without an importance matrix.
public struct IQ2_SFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq2_s }

    /// ggml's `GROUP_MAX_EPS_IQ2_S` (1e-8f).
    static let groupMaxEpsilon = Float(bitPattern: 0x322B_CC77)

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let lattice = TwoBitLattice.iq2s
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 16 + 3 * 16) { floats in
        withUnsafeTemporaryAllocation(of: Int8.self, capacity: 32) { bytes in
        lattice.pointIndex.withUnsafeBufferPointer { pointIndex in
            let scales = floats.baseAddress!, weight = scales + 16, root = weight + 16, magnitude = root + 16
            let levels = bytes.baseAddress!, trial = levels + 16
            var blockSigns = (UInt8(0), UInt8(0))
            for block in 0 ..< blocks {
                let xbl = input + block * 256
                let y = output + block * 82
                for i in 0 ..< 82 { y.storeBytes(of: UInt8(0), toByteOffset: i, as: UInt8.self) }
                var maxScale: Float = 0
                var sumX2: Float = 0
                for i in 0 ..< 256 { sumX2 += xbl[i] * xbl[i] }
                let sigma2 = 2 * sumX2 / 256

                for group in 0 ..< 16 {
                    let xb = xbl + 16 * group
                    if let weights {
                        let qw = weights + block * 256 + 16 * group
                        for i in 0 ..< 16 { weight[i] = qw[i] * (sigma2 + xb[i] * xb[i]).squareRoot() }
                    } else {
                        for i in 0 ..< 16 { weight[i] = 0.25 * sigma2 + xb[i] * xb[i] }
                    }
                    for i in 0 ..< 16 { root[i] = weight[i].squareRoot() }
                    withUnsafeMutableBytes(of: &blockSigns) { signs in
                        for k in 0 ..< 2 {
                            var bits: UInt8 = 0
                            for i in 0 ..< 8 {
                                let value = xb[8 * k + i]
                                if value >= 0 {
                                    magnitude[8 * k + i] = value
                                } else {
                                    magnitude[8 * k + i] = -value
                                    bits |= 1 << UInt8(i)
                                }
                            }
                            signs[k] = bits
                        }
                    }
                    var largest = magnitude[0]
                    for i in 1 ..< 16 { largest = GGMLScalar.cMax(largest, magnitude[i]) }
                    for i in 0 ..< 16 { levels[i] = 0 }
                    if largest < Self.groupMaxEpsilon {
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
                            for k in 0 ..< 2 { signs[k] = ~signs[k] }
                        }
                    }
                    withUnsafeBytes(of: &blockSigns) { signs in
                        for k in 0 ..< 2 {
                            let point = max(0, Int(pointIndex[TwoBitLatticeSearch.index(of: levels + 8 * k)]))
                            let i8 = 2 * group + k
                            y.storeBytes(of: UInt8(point & 255), toByteOffset: 2 + i8, as: UInt8.self)
                            let high = y.load(fromByteOffset: 66 + i8 / 4, as: UInt8.self)
                            y.storeBytes(of: high | UInt8((point >> 8) << (2 * (i8 % 4))), toByteOffset: 66 + i8 / 4,
                                         as: UInt8.self)
                            y.storeBytes(of: signs[k], toByteOffset: 2 + 32 + i8, as: UInt8.self)
                        }
                    }
                    scales[group] = scale
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }

                if maxScale == 0 { continue }
                let d = maxScale / 31
                GGMLScalar.storeHalf(d * 0.9875, y, 0)
                let inverse = 1 / d
                for group in 0 ..< 16 {
                    let l = UInt8(GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[group] - 1)), 0, 15))
                    let offset = 74 + group / 2
                    if group % 2 == 0 {
                        y.storeBytes(of: l, toByteOffset: offset, as: UInt8.self)
                    } else {
                        y.storeBytes(of: y.load(fromByteOffset: offset, as: UInt8.self) | (l << 4), toByteOffset: offset,
                                     as: UInt8.self)
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
        IQTables.iq2sLevels.withUnsafeBufferPointer { levels in
            IQTables.iq2sGrid.withUnsafeBufferPointer { grid in
                for block in 0 ..< blocks {
                    let x = input + block * 82
                    let d = GGMLScalar.loadHalf(x, 0)
                    for group in 0 ..< 8 {
                        let packedScales = x.load(fromByteOffset: 74 + group, as: UInt8.self)
                        let halves = (d * (0.5 + Float(packedScales & 0x0F)) * 0.25,
                                      d * (0.5 + Float(packedScales >> 4)) * 0.25)
                        let high = Int(x.load(fromByteOffset: 66 + group, as: UInt8.self))
                        for l in 0 ..< 4 {
                            let low = Int(x.load(fromByteOffset: 2 + 4 * group + l, as: UInt8.self))
                            let point = low | ((high << (8 - 2 * l)) & 0x300)
                            let signs = x.load(fromByteOffset: 34 + 4 * group + l, as: UInt8.self)
                            let scale = l < 2 ? halves.0 : halves.1
                            let code = Int(grid[point])
                            let y = output + block * 256 + 32 * group + 8 * l
                            for j in 0 ..< 8 {
                                y[j] = scale * levels[(code >> (2 * j)) & 3] * (signs & (1 << UInt8(j)) != 0 ? -1 : 1)
                            }
                        }
                    }
                }
            }
        }
    }
}
