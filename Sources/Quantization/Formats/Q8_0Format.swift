import GGUF

/// Q8_0: blocks of 32 values as an F16 scale and 32 signed bytes (`x ≈ d * q`).
///
/// ggml has no importance-weighted variant: `importance` is ignored, as in `quantize_q8_0`.
public struct Q8_0Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .q8_0 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 32
            let y = output + block * 34
            var maxMagnitude: Float = 0
            for j in 0..<32 { maxMagnitude = GGMLScalar.cMax(maxMagnitude, abs(x[j])) }
            let d = maxMagnitude / 127
            let inverse: Float = d != 0 ? 1 / d : 0
            GGMLScalar.storeHalf(d, y, 0)
            let q = (y + 2).assumingMemoryBound(to: UInt8.self)
            for j in 0..<32 {
                let rounded = (x[j] * inverse).rounded(.toNearestOrAwayFromZero)
                q[j] = UInt8(truncatingIfNeeded: GGMLScalar.truncatingInt32(rounded))
            }
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0..<blocks {
            let x = input + block * 34
            let y = output + block * 32
            let d = GGMLScalar.loadHalf(x, 0)
            let q = (x + 2).assumingMemoryBound(to: Int8.self)
            for j in 0..<32 { y[j] = Float(q[j]) * d }
        }
    }
}
