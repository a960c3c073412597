import GGUF

/// Q5_1: blocks of 32 values as F16 scale and minimum, a 32-bit word of fifth bits and
/// 4-bit low parts (`x ≈ d * q + m`).
///
/// Without importance this is ggml's `quantize_row_q5_1_ref`; with importance, the
/// weighted `quantize_row_q5_1_impl`.
public struct Q5_1Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .q5_1 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        if let weights = BlockLoop.weights(importance, covering: blocks * 32) {
            LegacyWeighted.quantizeAffine(input, blocks: blocks, weights: weights, nmax: 31) { block, d, minimum, levels in
                let y = output + block * 24
                GGMLScalar.storeHalf(d, y, 0)
                GGMLScalar.storeHalf(-minimum, y, 2)
                LegacyLevels.packFiveBit({ levels[$0] }, qh: y + 4, qs: (y + 8).assumingMemoryBound(to: UInt8.self))
            }
            return
        }
        for block in 0..<blocks {
            let x = input + block * 32
            let y = output + block * 24
            var low = Float.greatestFiniteMagnitude
            var high = -Float.greatestFiniteMagnitude
            for j in 0..<32 {
                if x[j] < low { low = x[j] }
                if x[j] > high { high = x[j] }
            }
            let d = (high - low) / 31
            let inverse: Float = d != 0 ? 1 / d : 0
            GGMLScalar.storeHalf(d, y, 0)
            GGMLScalar.storeHalf(low, y, 2)
            LegacyLevels.packFiveBit({ LegacyLevels.byteLevel((x[$0] - low) * inverse + 0.5) }, qh: y + 4,
                                     qs: (y + 8).assumingMemoryBound(to: UInt8.self))
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 24
            let y = output + block * 32
            let d = GGMLScalar.loadHalf(x, 0)
            let m = GGMLScalar.loadHalf(x, 2)
            let qh = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            let qs = (x + 8).assumingMemoryBound(to: UInt8.self)
            for j in 0..<32 {
                y[j] = Float(LegacyLevels.fiveBitLevel(j, qh: qh, qs: qs)) * d + m
            }
        }
    }
}
