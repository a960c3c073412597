import GGUF

/// IQ3_XXS: super-blocks of 256 values as 64 points of a 256-point grid of 4-tuples of 3-bit
/// magnitudes, with 7 sign bits per 8 values (the 8th keeps the sign count even) and a 4-bit scale
/// per 32 values times one F16 scale (3.0625 bits per weight). Layout: `d` (F16), 64 grid indices,
/// then per 32 values a little-endian UInt32 of 4 × 7 sign bits and the scale in the top 4 bits.
///
/// ggml's `quantize_iq3_xxs` (``D4Lattice``), with or without importance.
public struct IQ3_XXSFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq3_xxs }

    /// ggml's `GROUP_MAX_EPS_IQ3_XXS` (1e-8f): below this largest magnitude a block is all zeros.
    static let groupMaxEpsilon = Float(bitPattern: 0x322B_CC77)
    static let search = D4Lattice.Search(tries: 15, startOnGrid: true, refitAll: false)

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: D4Lattice.Scratch.floatCount + 8) { floats in
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: D4Lattice.Scratch.byteCount + 8) { bytes in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { indices in
        D4Lattice.xxs.withTables { tables in
            let s = D4Lattice.Scratch(floats: floats.baseAddress!, bytes: UnsafeMutableRawPointer(bytes.baseAddress!))
            let scales = floats.baseAddress! + D4Lattice.Scratch.floatCount
            let signs = bytes.baseAddress! + D4Lattice.Scratch.byteCount
            for block in 0 ..< blocks {
                let x = input + block * 256
                let y = output + block * 98
                let q = y + 2
                q.initializeMemory(as: UInt8.self, repeating: 0, count: 96)
                y.storeBytes(of: UInt16(0), toByteOffset: 0, as: UInt16.self)
                let sigma2 = D4Lattice.sigma2(x)
                var maxScale: Float = 0
                for sub in 0 ..< 8 {
                    let xb = x + 32 * sub
                    D4Lattice.weigh(xb, importance: weights.map { $0 + block * 256 + 32 * sub }, sigma2: sigma2, s)
                    for k in 0 ..< 4 {
                        var flips = 0
                        var bits: UInt8 = 0
                        for i in 0 ..< 8 {
                            if xb[8 * k + i] >= 0 {
                                s.xval[8 * k + i] = xb[8 * k + i]
                            } else {
                                s.xval[8 * k + i] = -xb[8 * k + i]
                                flips += 1
                                bits |= 1 << i
                            }
                        }
                        if flips % 2 != 0 {
                            // An odd count cannot be stored: flip the value that costs least.
                            var smallestAt = 0
                            var smallest = s.weight[8 * k] * xb[8 * k] * xb[8 * k]
                            for i in 1 ..< 8 {
                                let cost = s.weight[8 * k + i] * xb[8 * k + i] * xb[8 * k + i]
                                if cost < smallest {
                                    smallest = cost
                                    smallestAt = i
                                }
                            }
                            s.xval[8 * k + smallestAt] = -s.xval[8 * k + smallestAt]
                            bits ^= 1 << smallestAt
                        }
                        signs[k] = bits & 127
                    }
                    let largest = D4Lattice.largest(s.xval)
                    if largest < Self.groupMaxEpsilon {
                        scales[sub] = 0
                        continue
                    }
                    var scale = D4Lattice.fit(s, largest: largest, search: Self.search, tables: tables,
                                              indices: indices.baseAddress!)
                    if scale < 0 {
                        scale = -scale
                        for k in 0 ..< 4 { signs[k] = ~signs[k] & 127 }
                    }
                    for k in 0 ..< 8 { q.storeBytes(of: UInt8(truncatingIfNeeded: indices[k]), toByteOffset: 8 * sub + k, as: UInt8.self) }
                    let packed = UInt32(signs[0]) | UInt32(signs[1]) << 7 | UInt32(signs[2]) << 14 | UInt32(signs[3]) << 21
                    q.storeBytes(of: packed.littleEndian, toByteOffset: 64 + 4 * sub, as: UInt32.self)
                    scales[sub] = scale
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }
                if maxScale == 0 {
                    q.initializeMemory(as: UInt8.self, repeating: 0, count: 96)
                    continue
                }
                let d = maxScale / 31
                GGMLScalar.storeHalf(d * Float(bitPattern: 0x3F81_999A), y, 0) // 1.0125f
                let inverse = 1 / d
                for sub in 0 ..< 8 {
                    let l = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[sub] - 1)), 0, 15)
                    let offset = 64 + 4 * sub
                    let word = UInt32(littleEndian: q.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    q.storeBytes(of: (word | UInt32(l) << 28).littleEndian, toByteOffset: offset, as: UInt32.self)
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
        Self.pointValues.withUnsafeBufferPointer { points in
        IQTables.evenSigns.withUnsafeBufferPointer { evenSigns in
            for block in 0 ..< blocks {
                let x = input + block * 98
                let d = GGMLScalar.loadHalf(x, 0)
                var y = output + block * 256
                for sub in 0 ..< 8 {
                    let word = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 66 + 4 * sub, as: UInt32.self))
                    let db = d * (0.5 + Float(word >> 28)) * 0.5
                    for group in 0 ..< 4 {
                        let signs = evenSigns[Int((word >> (7 * group)) & 127)]
                        for half in 0 ..< 2 {
                            let point = points.baseAddress!
                                + 4 * Int(x.load(fromByteOffset: 2 + 8 * sub + 2 * group + half, as: UInt8.self))
                            for j in 0 ..< 4 {
                                y[4 * half + j] = D4Lattice.negated(db * point[j], if: signs >> (4 * half + j))
                            }
                        }
                        y += 8
                    }
                }
            }
        }
        }
    }

    /// The grid's points as decoded values, 4 per point.
    static let pointValues: [Float] = IQTables.iq3xxsGrid.flatMap { code in
        (0 ..< 4).map { Float(IQTables.iq3xxsLevels[(Int(code) >> (3 * $0)) & 7]) }
    }
}
