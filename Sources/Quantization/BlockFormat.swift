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
    /// Without importance every format encodes each block on its own, so several
    /// consecutive rows may be passed in one call and give the same bytes; with
    /// importance some formats use statistics of the whole row, so pass one row at a time.
    ///
    /// Mis-sized buffers are not an error here: only the whole blocks that fit both
    /// buffers are written (``RowQuantizer`` validates sizes and throws instead).
    func quantizeRow(_ source: UnsafeBufferPointer<Float>,
                     into destination: UnsafeMutableRawBufferPointer,
                     importance: UnsafeBufferPointer<Float>?)

    /// Decodes one row (or several consecutive rows) back to F32, exactly as gguf-py's
    /// `gguf.quants.dequantize` does.
    func dequantizeRow(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>)
}
