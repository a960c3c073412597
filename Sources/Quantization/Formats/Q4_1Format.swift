import GGUF

/// Q4_1: blocks of 32 values as F16 scale and minimum and 4-bit levels (`x ≈ d * q + m`).
///
/// Without importance this is ggml's `quantize_row_q4_1_ref`; with importance, the
/// weighted `quantize_row_q4_1_impl`.
public struct Q4_1Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .q4_1 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        if let weights = BlockLoop.weights(importance, covering: blocks * 32) {
            LegacyWeighted.quantizeAffine(input, blocks: blocks, weights: weights, nmax: 15) { block, d, minimum, levels in
                let y = output + block * 20
                GGMLScalar.storeHalf(d, y, 0)
                GGMLScalar.storeHalf(-minimum, y, 2)
                let q = (y + 4).assumingMemoryBound(to: UInt8.self)
                for j in 0..<16 {
                    q[j] = UInt8(truncatingIfNeeded: Int32(levels[j]) | (Int32(levels[j + 16]) << 4))
                }
            }
            return
        }
        for block in 0..<blocks {
            let x = input + block * 32
            let y = output + block * 20
            var low = Float.greatestFiniteMagnitude
            var high = -Float.greatestFiniteMagnitude
            for j in 0..<32 {
                if x[j] < low { low = x[j] }
                if x[j] > high { high = x[j] }
            }
            let d = (high - low) / 15
            let inverse: Float = d != 0 ? 1 / d : 0
            GGMLScalar.storeHalf(d, y, 0)
            GGMLScalar.storeHalf(low, y, 2)
            let q = (y + 4).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                let first = LegacyLevels.clampedLevel((x[j] - low) * inverse + 0.5, max: 15)
                let second = LegacyLevels.clampedLevel((x[j + 16] - low) * inverse + 0.5, max: 15)
                q[j] = UInt8(truncatingIfNeeded: Int32(first) | (Int32(second) << 4))
            }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 20
            let y = output + block * 32
            let d = GGMLScalar.loadHalf(x, 0)
            let m = GGMLScalar.loadHalf(x, 2)
            let q = (x + 4).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                y[j] = Float(q[j] & 0x0F) * d + m
                y[j + 16] = Float(q[j] >> 4) * d + m
            }
        }
    }
}
