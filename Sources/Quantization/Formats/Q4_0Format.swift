import GGUF

/// Q4_0: blocks of 32 values as an F16 scale and 4-bit levels (`x ≈ d * (q - 8)`).
/// Element `j` and `j + 16` share byte `j` (low and high nibble).
///
/// Without importance this is ggml's `quantize_row_q4_0_ref`; with importance, the
/// weighted `quantize_row_q4_0_impl` (weights `w * sqrt(σ² + x²)`, σ² over the row).
public struct Q4_0Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .q4_0 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        if let weights = BlockLoop.weights(importance, covering: blocks * 32) {
            LegacyWeighted.quantizeSymmetric(input, blocks: blocks, weights: weights, nmax: 8) { block, d, levels in
                let y = output + block * 18
                GGMLScalar.storeHalf(d, y, 0)
                let q = (y + 2).assumingMemoryBound(to: UInt8.self)
                for j in 0..<16 {
                    q[j] = UInt8(truncatingIfNeeded: Int32(levels[j]) | (Int32(levels[j + 16]) << 4))
                }
            }
            return
        }
        for block in 0..<blocks {
            let x = input + block * 32
            let y = output + block * 18
            var maxMagnitude: Float = 0
            var maxValue: Float = 0
            for j in 0..<32 where maxMagnitude < abs(x[j]) {
                maxMagnitude = abs(x[j])
                maxValue = x[j]
            }
            let d = maxValue / -8
            let inverse: Float = d != 0 ? 1 / d : 0
            GGMLScalar.storeHalf(d, y, 0)
            let q = (y + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                let low = LegacyLevels.clampedLevel(x[j] * inverse + 8.5, max: 15)
                let high = LegacyLevels.clampedLevel(x[j + 16] * inverse + 8.5, max: 15)
                q[j] = UInt8(truncatingIfNeeded: Int32(low) | (Int32(high) << 4))
            }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 18
            let y = output + block * 32
            let d = GGMLScalar.loadHalf(x, 0)
            let q = (x + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<16 {
                y[j] = Float(Int32(q[j] & 0x0F) - 8) * d
                y[j + 16] = Float(Int32(q[j] >> 4) - 8) * d
            }
        }
    }
}
