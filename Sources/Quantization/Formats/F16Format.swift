import GGUF

/// F16: IEEE half precision, rounded as numpy's `astype(float16)` does (see
/// ``FloatConversion``).
public struct F16Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .f16 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let count = Swift.min(source.count, destination.count / 2)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        HalfKernels.f32ToF16(UnsafeRawPointer(input), output, count)
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let count = Swift.min(destination.count, source.count / 2)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        HalfKernels.f16ToF32(input, UnsafeMutableRawPointer(output), count)
    }
}
