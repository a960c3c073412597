import GGUF

/// BF16: the top 16 bits of an F32, rounded as ggml's `ggml_compute_fp32_to_bf16` does
/// (see ``FloatConversion``).
public struct BF16Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .bf16 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let count = Swift.min(source.count, destination.count / 2)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        BFloat16Kernels.f32ToBF16(UnsafeRawPointer(input), output, count)
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let count = Swift.min(destination.count, source.count / 2)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        BFloat16Kernels.bf16ToF32(input, UnsafeMutableRawPointer(output), count)
    }
}
