import Dispatch
import Foundation
import GGUF

/// Encodes and decodes whole tensors (`rows × rowLength` values) with one ``BlockFormat``,
/// spreading rows over threads.
///
/// Rows are encoded independently, so the bytes are the same for every thread count.
/// All sizes are validated up front and reported as ``QuantizationError``s; block
/// quantized types additionally reject NaN and infinity, naming the first offending
/// row and column.
public struct RowQuantizer: Sendable {
    /// The encoding used.
    public let format: any BlockFormat
    /// The most threads one call uses (at least 1).
    public let threadCount: Int

    /// The default thread count: the number of active processors.
    public static var defaultThreadCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// A quantizer for `format` using up to `threadCount` threads (values below 1 mean 1).
    public init(format: any BlockFormat, threadCount: Int = RowQuantizer.defaultThreadCount) {
        self.format = format
        self.threadCount = Swift.max(1, threadCount)
    }

    /// A quantizer for the format registered for `type` in ``QuantFormats``.
    /// - Throws: ``QuantizationError/unsupportedType(_:)`` when no format is registered for `type`.
    public init(type: GGMLType, threadCount: Int = RowQuantizer.defaultThreadCount) throws {
        guard let format = QuantFormats.format(for: type) else { throw QuantizationError.unsupportedType(type) }
        self.init(format: format, threadCount: threadCount)
    }

    /// Bytes one encoded row of `rowLength` values takes.
    /// - Throws: ``QuantizationError/invalidRowLength(rowLength:blockSize:type:)`` when
    ///   `rowLength` is not a positive multiple of the block size.
    public func rowByteCount(rowLength: Int) throws -> Int {
        let type = format.type
        guard rowLength > 0, rowLength % type.blockSize == 0, let bytes = type.rowByteCount(rowLength) else {
            throw QuantizationError.invalidRowLength(rowLength: rowLength, blockSize: type.blockSize, type: type)
        }
        return bytes
    }

    /// Encodes `source` (whole rows of `rowLength` values) into `destination`, which must
    /// hold exactly `rows * rowByteCount(rowLength:)` bytes. `importance`, when given,
    /// holds one weight per column and selects ggml's importance-weighted quantizers.
    public func quantize(_ source: UnsafeBufferPointer<Float>, rowLength: Int, importance: UnsafeBufferPointer<Float>? = nil,
                         into destination: UnsafeMutableRawBufferPointer) throws {
        let layout = try Layout(format.type, elements: source.count, rowLength: rowLength, bytes: destination.count)
        if let importance, importance.count != rowLength {
            throw QuantizationError.importanceLengthMismatch(expected: rowLength, actual: importance.count)
        }
        guard layout.rows > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let format = self.format
        let checkFinite = format.type.isQuantized
        let firstBad = forEachRowRange(layout.rows) { rows -> (row: Int, column: Int)? in
            for row in rows {
                let values = input + row * rowLength
                if checkFinite, let column = NonFiniteScan.firstNonFinite(values, count: rowLength) {
                    return (row, column)
                }
                format.quantizeRow(UnsafeBufferPointer(start: values, count: rowLength),
                                   into: UnsafeMutableRawBufferPointer(start: output + row * layout.rowBytes,
                                                                       count: layout.rowBytes),
                                   importance: importance)
            }
            return nil
        }
        if let firstBad { throw QuantizationError.nonFiniteValue(row: firstBad.row, column: firstBad.column) }
    }

    /// Decodes `source` (whole encoded rows) into `destination`, which must hold exactly
    /// `rows * rowLength` values.
    public func dequantize(_ source: UnsafeRawBufferPointer, rowLength: Int,
                           into destination: UnsafeMutableBufferPointer<Float>) throws {
        let layout = try Layout(format.type, elements: destination.count, rowLength: rowLength, bytes: source.count)
        guard layout.rows > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let format = self.format
        _ = forEachRowRange(layout.rows) { rows -> Int? in
            for row in rows {
                format.dequantizeRow(UnsafeRawBufferPointer(start: input + row * layout.rowBytes, count: layout.rowBytes),
                                     into: UnsafeMutableBufferPointer(start: output + row * rowLength, count: rowLength))
            }
            return nil
        }
    }

    /// Array convenience for ``quantize(_:rowLength:importance:into:)``.
    public func quantize(_ source: [Float], rowLength: Int, importance: [Float]? = nil) throws -> [UInt8] {
        let layout = try Layout(format.type, elements: source.count, rowLength: rowLength, bytes: nil)
        var bytes = [UInt8](repeating: 0, count: layout.rows * layout.rowBytes)
        try source.withUnsafeBufferPointer { input in
            try bytes.withUnsafeMutableBytes { output in
                if let importance {
                    try importance.withUnsafeBufferPointer { weights in
                        try quantize(input, rowLength: rowLength, importance: weights, into: output)
                    }
                } else {
                    try quantize(input, rowLength: rowLength, importance: nil, into: output)
                }
            }
        }
        return bytes
    }

    /// Array convenience for ``dequantize(_:rowLength:into:)``.
    public func dequantize(_ source: [UInt8], rowLength: Int) throws -> [Float] {
        let rowBytes = try rowByteCount(rowLength: rowLength)
        guard source.count % rowBytes == 0 else {
            throw QuantizationError.bufferSizeMismatch(
                what: "encoded \(format.type.name) bytes (whole rows of \(rowBytes))",
                expected: source.count / rowBytes * rowBytes, actual: source.count)
        }
        var values = [Float](repeating: 0, count: source.count / rowBytes * rowLength)
        try source.withUnsafeBytes { input in
            try values.withUnsafeMutableBufferPointer { output in
                try dequantize(input, rowLength: rowLength, into: output)
            }
        }
        return values
    }

    /// Runs `body` over contiguous row ranges, one per thread, and returns the first
    /// non-nil result in row order (so errors do not depend on thread timing).
    private func forEachRowRange<R>(_ rows: Int, _ body: (Range<Int>) -> R?) -> R? {
        let parts = Swift.min(threadCount, rows)
        if parts <= 1 { return body(0..<rows) }
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: parts)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        withoutActuallyEscaping(body) { body in
            // Each iteration touches only its own rows and its own result slot, and
            // concurrentPerform returns only after all of them finish.
            let shared = UncheckedSendable((body: body, results: results))
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let start = rows * part / parts
                let end = rows * (part + 1) / parts
                shared.value.results[part] = shared.value.body(start..<end)
            }
        }
        return results.lazy.compactMap { $0 }.first
    }
}

/// Carries non-Sendable values (raw buffers, a closure over them) into
/// `concurrentPerform`, whose iterations never share what they write.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Validated sizes of one tensor-level call.
private struct Layout {
    let rows: Int
    let rowBytes: Int

    /// `bytes == nil` skips the encoded-size check (the caller allocates it).
    init(_ type: GGMLType, elements: Int, rowLength: Int, bytes: Int?) throws {
        guard rowLength > 0, rowLength % type.blockSize == 0, let rowBytes = type.rowByteCount(rowLength) else {
            throw QuantizationError.invalidRowLength(rowLength: rowLength, blockSize: type.blockSize, type: type)
        }
        guard elements % rowLength == 0 else {
            throw QuantizationError.incompleteRow(elementCount: elements, rowLength: rowLength)
        }
        let rows = elements / rowLength
        let (total, overflow) = rows.multipliedReportingOverflow(by: rowBytes)
        guard !overflow else { throw QuantizationError.sizeOverflow(rows: rows, rowLength: rowLength, type: type) }
        if let bytes, bytes != total {
            throw QuantizationError.bufferSizeMismatch(
                what: "\(type.name) buffer for \(rows) rows of \(rowLength)", expected: total, actual: bytes)
        }
        self.rows = rows
        self.rowBytes = rowBytes
    }
}
