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

    /// Encodes `tensor` from its source bytes (`sourceBytes` of type `sourceType`; ignored for
    /// generated tensors) and hands each finished window of bytes to `sink`, in order.
    public func encode(_ tensor: PlannedTensor, sourceBytes: UnsafeRawBufferPointer, sourceType: GGMLType,
                       sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let encoder = QuantFormats.format(for: tensor.targetType),
              let rowBytes = tensor.targetType.rowByteCount(tensor.rowLength) else {
            throw ConversionError.unsupportedTargetType(tensor: tensor.ggufName, type: tensor.targetType.name)
        }
        if case let .generated(values) = tensor.source {
            try values.withUnsafeBytes { bytes in
                try encode(tensor, sourceBytes: bytes, sourceType: .f32, permutation: nil, encoder: encoder,
                           rowBytes: rowBytes, sink: sink)
            }
            return
        }
        var permutation: RowPermutation?
        if case let .checkpoint(_, p) = tensor.source { permutation = p }
        if case let .computed(_, p) = tensor.source { permutation = p }
        try encode(tensor, sourceBytes: sourceBytes, sourceType: sourceType, permutation: permutation,
                   encoder: encoder, rowBytes: rowBytes, sink: sink)
    }

    private func encode(_ tensor: PlannedTensor, sourceBytes source: UnsafeRawBufferPointer, sourceType: GGMLType,
                        permutation: RowPermutation?, encoder: any BlockFormat, rowBytes: Int,
                        sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let decoder = QuantFormats.format(for: sourceType),
              let sourceRowBytes = sourceType.rowByteCount(tensor.rowLength),
              source.count == sourceRowBytes * tensor.rowCount else {
            throw ConversionError.unsupportedSourceDType(tensor: tensor.sourceName, file: tensor.sourceFile,
                                                         dtype: sourceType.name)
        }
        // A permuted vector (a Q or K bias) moves elements, not rows.
        if let permutation, tensor.dimensions.count == 1 {
            let count = tensor.rowLength
            var values = [Float](repeating: 0, count: count)
            values.withUnsafeMutableBufferPointer { decoder.dequantizeRow(source, into: $0) }
            let permuted = (0 ..< count).map { values[permutation.sourceRow(forOutputRow: $0, rowCount: count)] }
            var bytes = [UInt8](repeating: 0, count: rowBytes)
            permuted.withUnsafeBufferPointer { input in
                bytes.withUnsafeMutableBytes { encoder.quantizeRow(input, into: $0, importance: nil) }
            }
            try bytes.withUnsafeBytes { try sink($0) }
            return
        }
        // Same encoding, same order: the bytes can be copied as they are.
        if permutation == nil, sourceType == tensor.targetType, tensor.importance == nil {
            try copyRaw(source, tensor: tensor, rowBytes: rowBytes, sink: sink)
            return
        }
        nonisolated(unsafe) let sourceBuffer = source
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
                    rebasing: sourceBuffer[(sourceRow * sourceRowBytes) ..< ((sourceRow + run) * sourceRowBytes)])
                let out = UnsafeMutableBufferPointer(
                    rebasing: scratch[(i * tensor.rowLength) ..< ((i + run) * tensor.rowLength)])
                decoder.dequantizeRow(bytes, into: out)
                i += run
            }
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
        let importance = tensor.importance
        let failure = FirstFailure()
        let pipeline = RowWindowPipeline(threads: threads, windowElements: windowElements)
        // Rows already handed to `sink`. Workers may be encoding the next window while one is
        // emitted, so only failures up to the end of the emitted window count: every earlier
        // row is finished by then, which keeps the reported row independent of thread timing.
        var rowsEmitted = 0
        try pipeline.run(rowCount: rowCount, rowLength: rowLength, outputRowBytes: rowBytes,
                         work: { firstRow, values, bytes in
            let rows = values.count / max(rowLength, 1)
            fill(Array(firstRow ..< (firstRow + rows)), values)
            if checkFinite, let base = values.baseAddress,
               let bad = NonFiniteScan.firstNonFinite(base, count: values.count) {
                failure.record(row: firstRow + bad / rowLength, column: bad % rowLength)
                return
            }
            if let importance {
                // Importance weights are per column, so rows are quantized one at a time.
                importance.withUnsafeBufferPointer { weights in
                    for r in 0 ..< rows {
                        let row = UnsafeBufferPointer(rebasing: values[(r * rowLength) ..< ((r + 1) * rowLength)])
                        let out = UnsafeMutableRawBufferPointer(rebasing: bytes[(r * rowBytes) ..< ((r + 1) * rowBytes)])
                        encoder.quantizeRow(row, into: out, importance: weights)
                    }
                }
            } else {
                encoder.quantizeRow(UnsafeBufferPointer(values), into: bytes, importance: nil)
            }
        }, emit: { window in
            rowsEmitted += window.count / rowBytes
            if let (row, column) = failure.first, row < rowsEmitted {
                // The message names the checkpoint's tensor, so it must give the checkpoint's row,
                // not where a Q/K permutation moved it.
                var sourceRow = row
                if case let .checkpoint(_, permutation?) = tensor.source {
                    sourceRow = permutation.sourceRow(forOutputRow: row, rowCount: rowCount)
                }
                if case let .computed(_, permutation?) = tensor.source {
                    sourceRow = permutation.sourceRow(forOutputRow: row, rowCount: rowCount)
                }
                throw ConversionError.nonFiniteValue(tensor: tensor.sourceName, file: tensor.sourceFile,
                                                     row: sourceRow, column: column)
            }
            try sink(window)
        })
    }
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
