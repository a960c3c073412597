import GGUF

/// Q5_0: blocks of 32 values as an F16 scale, a 32-bit word of fifth bits and 4-bit
/// low parts (`x ≈ d * (q - 16)`).
///
/// Without importance this is ggml's `quantize_row_q5_0_ref`; with importance, the
/// weighted `quantize_row_q5_0_impl`.
public struct Q5_0Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .q5_0 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        if let weights = BlockLoop.weights(importance, covering: blocks * 32) {
            LegacyWeighted.quantizeSymmetric(input, blocks: blocks, weights: weights, nmax: 16) { block, d, levels in
                let y = output + block * 22
                GGMLScalar.storeHalf(d, y, 0)
                LegacyLevels.packFiveBit({ UInt8(bitPattern: levels[$0]) }, qh: y + 2,
                                         qs: (y + 6).assumingMemoryBound(to: UInt8.self))
            }
            return
        }
        for block in 0..<blocks {
            let x = input + block * 32
            let y = output + block * 22
            var maxMagnitude: Float = 0
            var maxValue: Float = 0
            for j in 0..<32 where maxMagnitude < abs(x[j]) {
                maxMagnitude = abs(x[j])
                maxValue = x[j]
            }
            let d = maxValue / -16
            let inverse: Float = d != 0 ? 1 / d : 0
            GGMLScalar.storeHalf(d, y, 0)
            LegacyLevels.packFiveBit({ LegacyLevels.clampedLevel(x[$0] * inverse + 16.5, max: 31) }, qh: y + 2,
                                     qs: (y + 6).assumingMemoryBound(to: UInt8.self))
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 22
            let y = output + block * 32
            let d = GGMLScalar.loadHalf(x, 0)
            let qh = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            let qs = (x + 6).assumingMemoryBound(to: UInt8.self)
            for j in 0..<32 {
                y[j] = Float(Int32(LegacyLevels.fiveBitLevel(j, qh: qh, qs: qs)) - 16) * d
            }
        }
    }
}
