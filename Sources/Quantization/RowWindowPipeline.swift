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
    /// and passes each finished window to `emit`, in order, on the calling thread. Workers must
    /// only touch the buffers given.
    ///
    /// The output is double-buffered: while `emit` hands on one window (typically a file
    /// write), the workers already encode the next, so writing and encoding overlap.
    public func run(rowCount: Int, rowLength: Int, outputRowBytes: Int,
                    work: @escaping (_ firstRow: Int, _ values: UnsafeMutableBufferPointer<Float>,
                                     _ bytes: UnsafeMutableRawBufferPointer) -> Void,
                    emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard rowCount > 0 else { return }
        let rowsPerWindow = max(1, min(rowCount, windowElements / max(rowLength, 1)))
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, rowsPerWindow * rowLength))
        defer { scratch.deallocate() }
        let windowBytes = max(1, rowsPerWindow * outputRowBytes)
        let outputs = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: windowBytes, alignment: 64) }
        defer { for output in outputs { output.deallocate() } }
        // Workers write disjoint row ranges of the scratch and of the output being filled, which
        // `emit` does not read until the workers are done with it.
        nonisolated(unsafe) let scratchBuffer = scratch
        nonisolated(unsafe) let outputBuffers = outputs
        nonisolated(unsafe) let workRows = work
        let threads = self.threads
        let encodeWindow: @Sendable (_ start: Int, _ rows: Int, _ slot: Int) -> Void = { start, rows, slot in
            let tasks = min(threads, rows)
            let perTask = (rows + tasks - 1) / tasks
            nonisolated(unsafe) let output = outputBuffers[slot]
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let first = task * perTask
                let last = min(rows, first + perTask)
                guard first < last else { return }
                workRows(start + first,
                         UnsafeMutableBufferPointer(rebasing: scratchBuffer[(first * rowLength) ..< (last * rowLength)]),
                         UnsafeMutableRawBufferPointer(rebasing: output[(first * outputRowBytes) ..< (last * outputRowBytes)]))
            }
        }
        let encoding = DispatchGroup()
        // The window encoded last and not yet emitted: (slot, byte count).
        var pending: (slot: Int, bytes: Int)?
        var windowStart = 0
        var slot = 0
        while windowStart < rowCount {
            let windowRows = min(rowsPerWindow, rowCount - windowStart)
            let start = windowStart
            let fillSlot = slot
            if let previous = pending {
                DispatchQueue.global().async(group: encoding) { encodeWindow(start, windowRows, fillSlot) }
                do {
                    try emit(UnsafeRawBufferPointer(rebasing: outputs[previous.slot][0 ..< previous.bytes]))
                } catch {
                    encoding.wait()
                    throw error
                }
                encoding.wait()
            } else {
                encodeWindow(start, windowRows, fillSlot)
            }
            pending = (fillSlot, windowRows * outputRowBytes)
            windowStart += windowRows
            slot ^= 1
        }
        if let last = pending {
            try emit(UnsafeRawBufferPointer(rebasing: outputs[last.slot][0 ..< last.bytes]))
        }
    }
}
