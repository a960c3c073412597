import GGUF

/// IQ4_NL: blocks of 32 values as an F16 scale and 4-bit indices into 16 non-linear levels
/// (``IQTables/nonLinear4``), denser near zero where weights are (`x ≈ d * level[q]`). Element `j`
/// and `j + 16` share byte `j`. Same size as Q4_0, lower error.
///
/// ggml's `quantize_iq4_nl` (``NonLinearFour``), with or without importance.
public struct IQ4_NLFormat: BlockFormat {
    public init() {}
    public var type: GGMLType { .iq4_nl }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 32)
        var unused = [Int32](repeating: 0, count: 1)
        for block in 0 ..< blocks {
            let y = output + block * 18
            let codes = (y + 2).assumingMemoryBound(to: UInt8.self)
            let d = NonLinearFour.quantize(input + block * 32, count: 32, importance: weights.map { $0 + block * 32 },
                                           codes: codes, blockScales: &unused)
            y.storeBytes(of: d.littleEndian, toByteOffset: 0, as: UInt16.self)
        }
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let blocks = BlockLoop.blockCount(type, elements: destination.count, bytes: source.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        for block in 0 ..< blocks {
            let x = input + block * 18
            NonLinearFour.dequantize(codes: (x + 2).assumingMemoryBound(to: UInt8.self), scale: GGMLScalar.loadHalf(x, 0),
                                     into: output + block * 32)
        }
    }
}
