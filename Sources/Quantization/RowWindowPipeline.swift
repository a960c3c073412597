import Dispatch

/// Streams a tensor through F32 a window of rows at a time: within each window the rows are
/// split across threads, each worker fills F32 values for its rows and encodes them, and the
/// finished window of bytes is handed on in order.
///
/// Memory stays bounded by the window whatever the tensor's size, and because every row is
/// handled on its own the bytes do not depend on the thread count. Conversion (safetensors →
/// GGUF) and export (GGUF → safetensors) both stream this way.
public struct RowWindowPipeline: Sendable {
    public var threads: Int
    /// Elements per window: bounds the F32 scratch and output buffers.
    public var windowElements: Int

    public init(threads: Int, windowElements: Int = 4 << 20) {
        self.threads = max(1, threads)
        self.windowElements = max(1, windowElements)
    }

    /// Runs `work(firstRow, values, bytes)` over every row — `values` holds F32 scratch for
    /// `values.count / rowLength` rows starting at `firstRow`, `bytes` their encoded output —
    /// and passes each finished window to `emit`. Workers must only touch the buffers given.
    public func run(rowCount: Int, rowLength: Int, outputRowBytes: Int,
                    work: @escaping (_ firstRow: Int, _ values: UnsafeMutableBufferPointer<Float>,
                                     _ bytes: UnsafeMutableRawBufferPointer) -> Void,
                    emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard rowCount > 0 else { return }
        let rowsPerWindow = max(1, min(rowCount, windowElements / max(rowLength, 1)))
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, rowsPerWindow * rowLength))
        defer { scratch.deallocate() }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, rowsPerWindow * outputRowBytes),
                                                            alignment: 64)
        defer { output.deallocate() }
        // Workers write disjoint row ranges of these buffers.
        nonisolated(unsafe) let scratchBuffer = scratch
        nonisolated(unsafe) let outputBuffer = output
        nonisolated(unsafe) let workRows = work
        var windowStart = 0
        while windowStart < rowCount {
            let windowRows = min(rowsPerWindow, rowCount - windowStart)
            let tasks = min(threads, windowRows)
            let perTask = (windowRows + tasks - 1) / tasks
            let base = windowStart
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let first = task * perTask
                let last = min(windowRows, first + perTask)
                guard first < last else { return }
                workRows(base + first,
                         UnsafeMutableBufferPointer(rebasing: scratchBuffer[(first * rowLength) ..< (last * rowLength)]),
                         UnsafeMutableRawBufferPointer(rebasing: outputBuffer[(first * outputRowBytes) ..< (last * outputRowBytes)]))
            }
            try emit(UnsafeRawBufferPointer(rebasing: output[0 ..< (windowRows * outputRowBytes)]))
            windowStart += windowRows
        }
    }
}
