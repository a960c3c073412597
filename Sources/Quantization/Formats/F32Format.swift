import GGUF

/// F32: values stored as they are (little-endian).
public struct F32Format: BlockFormat {
    public init() {}
    public var type: GGMLType { .f32 }

    public func quantizeRow(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawBufferPointer,
                            importance: UnsafeBufferPointer<Float>?) {
        let count = Swift.min(source.count, destination.count / 4)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        output.copyMemory(from: input, byteCount: count * 4)
    }

    public func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let count = Swift.min(destination.count, source.count / 4)
        guard count > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        UnsafeMutableRawPointer(output).copyMemory(from: input, byteCount: count * 4)
    }
}
