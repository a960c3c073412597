import GGUF

/// Shared bookkeeping for the row encoders.
enum BlockLoop {
    /// The number of whole blocks that fit in both buffers. ``BlockFormat`` rows are
    /// sized by the caller; taking the minimum means a mis-sized call can never read or
    /// write out of bounds (the tensor-level API validates sizes and throws instead).
    @inline(__always)
    static func blockCount(_ type: GGMLType, elements: Int, bytes: Int) -> Int {
        Swift.max(0, Swift.min(elements / type.blockSize, bytes / type.bytesPerBlock))
    }

    /// `importance` when it covers the whole row, otherwise `nil` (a short vector cannot
    /// be used without reading past its end).
    @inline(__always)
    static func weights(_ importance: UnsafeBufferPointer<Float>?, covering elements: Int) -> UnsafePointer<Float>? {
        guard let importance, importance.count >= elements, let base = importance.baseAddress else { return nil }
        return base
    }
}
