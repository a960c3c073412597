import Dispatch
import Foundation
import GGUF
import Models
import Quantization

/// Turns one GGUF tensor into safetensors bytes: dequantize to F32, undo the Q/K row
/// permutation, encode to the export dtype — a window of rows at a time.
///
/// Rows of a window are split across threads; each row is decoded on its own, so the bytes
/// never depend on the thread count. Memory is bounded by the window, whatever the tensor.
struct TensorDequantizer: Sendable {
    var threads: Int
    /// Elements per window: bounds the F32 scratch and output buffers.
    var windowElements: Int

    init(threads: Int, windowElements: Int = 1 << 22) {
        self.threads = max(1, threads)
        self.windowElements = max(1, windowElements)
    }

    /// Emits `tensor`'s bytes in `dtype`, in order, through `emit`.
    func produce(_ tensor: ExportTensor, data: UnsafeRawBufferPointer, dtype: ExportDType, path: String,
                 emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let info = tensor.source
        guard let format = QuantFormats.format(for: info.type) else {
            throw ExportError.unsupportedTensorType(path: path, tensor: info.name, type: info.type.name)
        }
        guard data.count == info.byteCount, let sourceRowBytes = info.type.rowByteCount(info.rowLength) else {
            throw ExportError.tensorDataUnavailable(path: path, tensor: info.name, offset: info.offset,
                                                    expected: info.byteCount, found: data.count)
        }
        if let permutation = tensor.permutation, info.dimensions.count == 1 {
            try producePermutedVector(tensor, data: data, format: format, permutation: permutation, dtype: dtype,
                                      path: path, emit: emit)
            return
        }
        let rowLength = info.rowLength
        let rowCount = info.rowCount
        let permutation = tensor.permutation
        nonisolated(unsafe) let source = data
        try produceRows(rowLength: rowLength, rowCount: rowCount, dtype: dtype, tensor: info.name, path: path,
                        emit: emit) { firstRow, scratch in
            // Output row r is Hugging Face row r; without a permutation consecutive rows decode together.
            let rows = scratch.count / rowLength
            guard let permutation else {
                let bytes = UnsafeRawBufferPointer(
                    rebasing: source[(firstRow * sourceRowBytes) ..< ((firstRow + rows) * sourceRowBytes)])
                format.dequantizeRow(bytes, into: scratch)
                return
            }
            for r in 0 ..< rows {
                let ggufRow = permutation.outputRow(forSourceRow: firstRow + r, rowCount: rowCount)
                let bytes = UnsafeRawBufferPointer(
                    rebasing: source[(ggufRow * sourceRowBytes) ..< ((ggufRow + 1) * sourceRowBytes)])
                format.dequantizeRow(bytes, into: UnsafeMutableBufferPointer(
                    rebasing: scratch[(r * rowLength) ..< ((r + 1) * rowLength)]))
            }
        }
    }

    /// A permuted bias is a single GGUF row whose elements are the rows to reorder.
    private func producePermutedVector(_ tensor: ExportTensor, data: UnsafeRawBufferPointer, format: any BlockFormat,
                                       permutation: RowPermutation, dtype: ExportDType, path: String,
                                       emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let count = tensor.elementCount
        var decoded = [Float](repeating: 0, count: count)
        decoded.withUnsafeMutableBufferPointer { format.dequantizeRow(data, into: $0) }
        var reordered = [Float](repeating: 0, count: count)
        for i in 0 ..< count {
            reordered[i] = decoded[permutation.outputRow(forSourceRow: i, rowCount: count)]
        }
        var output = [UInt8](repeating: 0, count: count * dtype.byteSize)
        try reordered.withUnsafeBufferPointer { values in
            try output.withUnsafeMutableBytes { bytes in
                guard Self.encode(values, into: bytes, dtype: dtype) else {
                    throw ExportError.cannotWrite(path: path, reason: "encoding '\(tensor.source.name)' failed")
                }
            }
        }
        try output.withUnsafeBytes { try emit($0) }
    }

    /// Runs `fill` (F32 values for rows starting at a given row) and the dtype encoder over
    /// windows of rows, in parallel within each window, and emits each finished window.
    private func produceRows(rowLength: Int, rowCount: Int, dtype: ExportDType, tensor: String, path: String,
                             emit: (UnsafeRawBufferPointer) throws -> Void,
                             fill: @escaping (Int, UnsafeMutableBufferPointer<Float>) -> Void) throws {
        let failed = FailureFlag()
        let pipeline = RowWindowPipeline(threads: threads, windowElements: windowElements)
        try pipeline.run(rowCount: rowCount, rowLength: rowLength, outputRowBytes: rowLength * dtype.byteSize,
                         work: { firstRow, values, bytes in
            fill(firstRow, values)
            if !Self.encode(UnsafeBufferPointer(values), into: bytes, dtype: dtype) { failed.set() }
        }, emit: { window in
            if failed.isSet {
                throw ExportError.cannotWrite(path: path, reason: "encoding '\(tensor)' to \(dtype.rawValue) failed")
            }
            try emit(window)
        })
    }

    /// F32 to the export dtype: BF16 and F16 round to nearest even (FloatConversion's kernels).
    /// Returns `false` only when the buffer sizes disagree, which the callers rule out.
    static func encode(_ values: UnsafeBufferPointer<Float>, into bytes: UnsafeMutableRawBufferPointer,
                       dtype: ExportDType) -> Bool {
        let raw = UnsafeRawBufferPointer(values)
        switch dtype {
        case .f32:
            guard bytes.count == raw.count else { return false }
            bytes.copyMemory(from: raw)
            return true
        case .bf16:
            return (try? FloatConversion.f32ToBF16(raw, into: bytes)) != nil
        case .f16:
            return (try? FloatConversion.f32ToF16(raw, into: bytes)) != nil
        }
    }
}

/// Set by any worker whose encoding failed.
final class FailureFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock(); defer { lock.unlock() }
        value = true
    }

    var isSet: Bool {
        lock.lock(); defer { lock.unlock() }
        return value
    }
}
