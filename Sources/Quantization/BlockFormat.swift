import GGUF

/// One tensor encoding: how rows of F32 values become bytes and back.
///
/// Every format (plain floats and ggml block quantizations alike) implements this
/// protocol and is registered once in ``QuantFormats``. Rows are independent, which is
/// what lets callers split work across threads and still produce identical bytes.
public protocol BlockFormat: Sendable {
    /// The ggml type this format writes.
    var type: GGMLType { get }

    /// Encodes one row. `source.count` is a multiple of `type.blockSize`;
    /// `destination.count` is `type.rowByteCount(source.count)`.
    ///
    /// `importance`, when given, has one weight per element (an importance matrix
    /// row) and selects ggml's importance-weighted search where the format has one.
    func quantizeRow(_ source: UnsafeBufferPointer<Float>,
                     into destination: UnsafeMutableRawBufferPointer,
                     importance: UnsafeBufferPointer<Float>?)

    /// Decodes one row back to F32.
    func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>)
}
