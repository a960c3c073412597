import GGUF

/// IQ3_S: super-blocks of 256 values as 64 points of a 512-point grid of 4-tuples of 3-bit
/// magnitudes, one sign bit per value and a 4-bit scale per 32 values times one F16 scale
/// (3.4375 bits per weight). Layout: `d` (F16), the low 8 bits of 64 grid indices, their 9th bits
/// (8 bytes), the signs (32 bytes), then the 8 scales as 4-bit pairs (4 bytes).
///
/// ggml's `quantize_iq3_s` (``D4Lattice``), with or without importance.
public struct IQ3_SFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq3_s }

    static let search = D4Lattice.Search(tries: 9, startOnGrid: false, refitAll: true)

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: D4Lattice.Scratch.floatCount + 8) { floats in
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: D4Lattice.Scratch.byteCount + 4) { bytes in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { indices in
        D4Lattice.s.withTables { tables in
            let s = D4Lattice.Scratch(floats: floats.baseAddress!, bytes: UnsafeMutableRawPointer(bytes.baseAddress!))
            let scales = floats.baseAddress! + D4Lattice.Scratch.floatCount
            let signs = bytes.baseAddress! + D4Lattice.Scratch.byteCount
            for block in 0 ..< blocks {
                let x = input + block * 256
                let y = output + block * 110
                y.initializeMemory(as: UInt8.self, repeating: 0, count: 110)
                let qs = (y + 2).assumingMemoryBound(to: UInt8.self)
                let qh = (y + 66).assumingMemoryBound(to: UInt8.self)
                let signBytes = (y + 74).assumingMemoryBound(to: UInt8.self)
                // ggml advances its index and sign cursors only past blocks that are not all zeros, so
                // the blocks after a zero block are stored that much earlier; reproduced as is.
                var qsCursor = 0, signCursor = 0
                let sigma2 = D4Lattice.sigma2(x)
                var maxScale: Float = 0
                for sub in 0 ..< 8 {
                    let xb = x + 32 * sub
                    D4Lattice.weigh(xb, importance: weights.map { $0 + block * 256 + 32 * sub }, sigma2: sigma2, s)
                    for k in 0 ..< 4 {
                        var bits: UInt8 = 0
                        for i in 0 ..< 8 {
                            if xb[8 * k + i] >= 0 {
                                s.xval[8 * k + i] = xb[8 * k + i]
                            } else {
                                s.xval[8 * k + i] = -xb[8 * k + i]
                                bits |= 1 << i
                            }
                        }
                        signs[k] = bits
                    }
                    let largest = D4Lattice.largest(s.xval)
                    if largest == 0 {
                        scales[sub] = 0
                        continue
                    }
                    var scale = D4Lattice.fit(s, largest: largest, search: Self.search, tables: tables,
                                              indices: indices.baseAddress!)
                    if scale < 0 {
                        scale = -scale
                        for k in 0 ..< 4 { signs[k] = ~signs[k] }
                    }
                    for k in 0 ..< 8 {
                        qs[qsCursor + k] = UInt8(truncatingIfNeeded: indices[k])
                        qh[sub] |= UInt8(truncatingIfNeeded: (indices[k] >> 8) << k)
                    }
                    qsCursor += 8
                    for k in 0 ..< 4 { signBytes[signCursor + k] = signs[k] }
                    signCursor += 4
                    scales[sub] = scale
                    maxScale = GGMLScalar.cMax(maxScale, scale)
                }
                if maxScale == 0 { continue }
                let d = maxScale / 31
                GGMLScalar.storeHalf(d * Float(bitPattern: 0x3F84_3958), y, 0) // 1.033f
                let inverse = 1 / d
                for pair in 0 ..< 4 {
                    let low = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[2 * pair] - 1)), 0, 15)
                    let high = GGMLScalar.clamp(GGMLScalar.nearestInt(0.5 * (inverse * scales[2 * pair + 1] - 1)), 0, 15)
                    y.storeBytes(of: UInt8(low | high << 4), toByteOffset: 106 + pair, as: UInt8.self)
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
            for block in 0 ..< blocks {
                let x = input + block * 110
                let d = GGMLScalar.loadHalf(x, 0)
                var y = output + block * 256
                for sub in 0 ..< 8 {
                    let scaleBits = Int32(x.load(fromByteOffset: 106 + sub / 2, as: UInt8.self) >> (4 * (sub % 2))) & 0x0F
                    let db = d * Float(1 + 2 * scaleBits)
                    let high = Int(x.load(fromByteOffset: 66 + sub, as: UInt8.self))
                    for point in 0 ..< 8 {
                        let low = Int(x.load(fromByteOffset: 2 + 8 * sub + point, as: UInt8.self))
                        let values = points.baseAddress! + 4 * (low | ((high >> point) & 1) << 8)
                        let signs = x.load(fromByteOffset: 74 + 4 * sub + point / 2, as: UInt8.self)
                        for j in 0 ..< 4 {
                            y[j] = D4Lattice.negated(db * values[j], if: signs >> (4 * (point % 2) + j))
                        }
                        y += 4
                    }
                }
            }
        }
    }

    /// The grid's points as decoded values, 4 per point.
    static let pointValues: [Float] = IQTables.iq3sGrid.flatMap { code in
        (0 ..< 4).map { Float(IQTables.iq3sLevels[(Int(code) >> (3 * $0)) & 7]) }
    }
}
