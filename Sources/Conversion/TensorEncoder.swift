import Dispatch
import Foundation
import GGUF
import Models
import Quantization
import SafeTensors

/// Turns a planned tensor into its output bytes, a window of rows at a time.
///
/// Each window's rows are split across threads; every row is decoded to F32 and encoded
/// on its own, so the bytes do not depend on the thread count. Memory stays bounded by
/// the window, whatever the tensor's size.
public struct TensorEncoder: Sendable {
    public var threads: Int
    /// Elements per window: bounds the F32 scratch and output buffers.
    public var windowElements: Int

    public init(threads: Int, windowElements: Int = 4 << 20) {
        self.threads = max(1, threads)
        self.windowElements = max(1, windowElements)
    }

    /// The ggml type a checkpoint dtype decodes from.
    static func sourceType(_ dtype: SafeTensorsDType) -> GGMLType? {
        switch dtype {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        default: nil
        }
    }

    /// Encodes `tensor` and hands each finished window of bytes to `sink`, in order.
    public func encode(_ tensor: PlannedTensor, checkpoint: SafeTensorsCheckpoint?,
                       sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let encoder = QuantFormats.format(for: tensor.targetType),
              let rowBytes = tensor.targetType.rowByteCount(tensor.rowLength) else {
            throw ConversionError.unsupportedTargetType(tensor: tensor.ggufName, type: tensor.targetType.name)
        }
        switch tensor.source {
        case let .generated(values):
            try encodeRows(tensor, rowBytes: rowBytes, encoder: encoder, sink: sink) { rows, scratch in
                for (i, row) in rows.enumerated() {
                    let start = row * tensor.rowLength
                    for j in 0 ..< tensor.rowLength { scratch[i * tensor.rowLength + j] = values[start + j] }
                }
            }
        case let .checkpoint(info, permutation):
            guard let checkpoint, let sourceType = Self.sourceType(info.dtype),
                  let decoder = QuantFormats.format(for: sourceType) else {
                throw ConversionError.unsupportedSourceDType(tensor: info.name, file: info.filePath, dtype: info.dtype.rawValue)
            }
            let source = try checkpoint.data(named: info.name)
            let sourceRowBytes = tensor.rowLength * info.dtype.byteSize
            // Same encoding, same order: the bytes can be copied as they are.
            if permutation == nil, sourceType == tensor.targetType {
                try copyRaw(source, tensor: tensor, rowBytes: rowBytes, sink: sink)
            } else {
                try encodeRows(tensor, rowBytes: rowBytes, encoder: encoder, sink: sink) { rows, scratch in
                    let rowCount = tensor.rowCount
                    var i = 0
                    while i < rows.count {
                        let sourceRow = permutation?.sourceRow(forOutputRow: rows[i], rowCount: rowCount) ?? rows[i]
                        // Without a permutation, consecutive rows decode in one call.
                        var run = 1
                        if permutation == nil {
                            while i + run < rows.count, rows[i + run] == rows[i] + run { run += 1 }
                        }
                        let bytes = UnsafeRawBufferPointer(
                            rebasing: source[(sourceRow * sourceRowBytes) ..< ((sourceRow + run) * sourceRowBytes)])
                        let out = UnsafeMutableBufferPointer(
                            rebasing: scratch[(i * tensor.rowLength) ..< ((i + run) * tensor.rowLength)])
                        decoder.dequantizeRow(bytes, into: out)
                        i += run
                    }
                }
            }
            checkpoint.advise(named: info.name, willNeed: false)
        }
    }

    private func copyRaw(_ source: UnsafeRawBufferPointer, tensor: PlannedTensor, rowBytes: Int,
                         sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let windowBytes = max(rowBytes, windowElements * 2)
        var offset = 0
        while offset < source.count {
            let end = min(source.count, offset + windowBytes)
            try sink(UnsafeRawBufferPointer(rebasing: source[offset ..< end]))
            offset = end
        }
    }

    /// Runs `fill` (which writes F32 values for a list of output rows into scratch) and the
    /// encoder over windows of rows, in parallel within each window.
    private func encodeRows(_ tensor: PlannedTensor, rowBytes: Int, encoder: any BlockFormat,
                            sink: (UnsafeRawBufferPointer) throws -> Void,
                            fill: @escaping ([Int], UnsafeMutableBufferPointer<Float>) -> Void) throws {
        let rowLength = tensor.rowLength
        let rowCount = tensor.rowCount
        let checkFinite = tensor.targetType.isQuantized
        let rowsPerWindow = max(1, windowElements / max(rowLength, 1))
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: rowsPerWindow * rowBytes, alignment: 64)
        defer { output.deallocate() }
        let scratch = UnsafeMutableBufferPointer<Float>.allocate(capacity: rowsPerWindow * rowLength)
        defer { scratch.deallocate() }
        let failure = FirstFailure()
        // Workers write disjoint row ranges of these buffers.
        nonisolated(unsafe) let scratchBuffer = scratch
        nonisolated(unsafe) let outputBuffer = output
        nonisolated(unsafe) let fillRows = fill
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
                let taskScratch = UnsafeMutableBufferPointer(rebasing: scratchBuffer[(first * rowLength) ..< (last * rowLength)])
                fillRows(Array((base + first) ..< (base + last)), taskScratch)
                if checkFinite, let bad = firstNonFinite(UnsafeBufferPointer(taskScratch)) {
                    failure.record(row: base + first + bad / rowLength, column: bad % rowLength)
                    return
                }
                let taskOutput = UnsafeMutableRawBufferPointer(rebasing: outputBuffer[(first * rowBytes) ..< (last * rowBytes)])
                encoder.quantizeRow(UnsafeBufferPointer(taskScratch), into: taskOutput, importance: nil)
            }
            if let (row, column) = failure.first {
                throw ConversionError.nonFiniteValue(tensor: tensor.sourceName, file: tensor.sourceFile,
                                                     row: row, column: column)
            }
            try sink(UnsafeRawBufferPointer(rebasing: output[0 ..< (windowRows * rowBytes)]))
            windowStart += windowRows
        }
    }
}

/// Index of the first NaN or infinity, if any.
@inlinable
func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    // Exponent all ones marks both NaN and infinity; test eight at a time.
    let mask = SIMD8<UInt32>(repeating: 0x7F80_0000)
    var i = 0
    let raw = UnsafeRawBufferPointer(values)
    while i + 8 <= values.count {
        let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<UInt32>.self)
        if any((bits & mask) .== mask) { break }
        i += 8
    }
    while i < values.count {
        if !values[i].isFinite { return i }
        i += 1
    }
    return nil
}

/// The first failure any worker thread saw (lowest row wins so messages are deterministic).
final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (row: Int, column: Int)?

    func record(row: Int, column: Int) {
        lock.lock(); defer { lock.unlock() }
        if value == nil || row < value!.row || (row == value!.row && column < value!.column) {
            value = (row, column)
        }
    }

    var first: (Int, Int)? {
        lock.lock(); defer { lock.unlock() }
        return value.map { ($0.row, $0.column) }
    }
}
