import Dispatch
import Foundation
import GGUF
import Quantization

/// What a scan of one tensor's values found.
public struct TensorValueCounts: Sendable, Equatable {
    /// NaN and infinite values (after dequantizing, for block formats).
    public var nonFinite = 0
    /// Element index of the first of them, in storage order.
    public var firstNonFinite: Int?
    /// F16 values equal to ±65504, the largest finite F16: where a converter clamped what did not fit.
    public var f16Saturated = 0
}

/// Reads every value of every tensor: raw floats directly, block formats dequantized through
/// ``QuantFormats``, tensors spread over threads.
public enum TensorValueScan {
    /// The counts for each tensor in file order; `nil` for a type ggufkit cannot decode.
    public static func scan(_ file: GGUFFile, threads: Int) -> [TensorValueCounts?] {
        let tensors = file.tensors
        let results = ResultSlots(count: tensors.count)
        let next = NextIndex()
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, tensors.count))) { _ in
            while let index = next.take(below: tensors.count) {
                results.set(index, scan(file.data(for: tensors[index]), info: tensors[index]))
            }
        }
        return results.values
    }

    /// The counts for one tensor's bytes, or `nil` when its type cannot be decoded.
    public static func scan(_ bytes: UnsafeRawBufferPointer, info: GGUFTensorInfo) -> TensorValueCounts? {
        var counts = TensorValueCounts()
        func record(_ index: Int) {
            if counts.firstNonFinite == nil { counts.firstNonFinite = index }
            counts.nonFinite += 1
        }
        switch info.type {
        case .f32:
            for i in 0 ..< info.elementCount where !bytes.loadUnaligned(fromByteOffset: i * 4, as: Float.self).isFinite {
                record(i)
            }
        case .f16:
            for i in 0 ..< info.elementCount {
                let bits = bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
                if bits & 0x7C00 == 0x7C00 { record(i) } else if bits & 0x7FFF == 0x7BFF { counts.f16Saturated += 1 }
            }
        case .bf16:
            for i in 0 ..< info.elementCount where bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self) & 0x7F80 == 0x7F80 {
                record(i)
            }
        default:
            guard let format = QuantFormats.format(for: info.type), bytes.count == info.byteCount else { return nil }
            let rowsPerStep = max(1, (1 << 16) / info.rowLength)
            var values = [Float](repeating: 0, count: rowsPerStep * info.rowLength)
            var row = 0
            while row < info.rowCount {
                let rows = min(rowsPerStep, info.rowCount - row)
                let source = UnsafeRawBufferPointer(rebasing: bytes[(row * info.rowByteCount) ..< ((row + rows) * info.rowByteCount)])
                values.withUnsafeMutableBufferPointer { buffer in
                    let out = UnsafeMutableBufferPointer(rebasing: buffer[0 ..< (rows * info.rowLength)])
                    format.dequantizeRow(source, into: out)
                    for (offset, value) in out.enumerated() where !value.isFinite { record(row * info.rowLength + offset) }
                }
                row += rows
            }
        }
        return counts
    }
}

/// Per-tensor results written from several threads.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [TensorValueCounts?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: TensorValueCounts?) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = value
    }

    var values: [TensorValueCounts?] {
        lock.lock(); defer { lock.unlock() }
        return slots
    }
}

/// Hands out tensor indices to worker threads, largest-first order not needed: tensors are many.
private final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit else { return nil }
        defer { next += 1 }
        return next
    }
}
