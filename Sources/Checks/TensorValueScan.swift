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
        guard bytes.count == info.byteCount else { return nil }
        var counts = TensorValueCounts()
        switch info.type {
        case .f32:
            scanFloats(bytes, count: info.elementCount, offset: 0, into: &counts)
        case .f16:
            // Sixteen lanes at a time; only a group holding a match is looked at value by value.
            scanHalves(bytes, count: info.elementCount, into: &counts) { bits, counts, index in
                if bits & 0x7C00 == 0x7C00 { counts.record(index) } else if bits & 0x7FFF == 0x7BFF { counts.f16Saturated += 1 }
            } matches: { lanes in
                any(lanes & 0x7C00 .== 0x7C00) || any(lanes & 0x7FFF .== 0x7BFF)
            }
        case .bf16:
            scanHalves(bytes, count: info.elementCount, into: &counts) { bits, counts, index in
                if bits & 0x7F80 == 0x7F80 { counts.record(index) }
            } matches: { lanes in
                any(lanes & 0x7F80 .== 0x7F80)
            }
        default:
            guard let format = QuantFormats.format(for: info.type) else { return nil }
            let rowsPerStep = max(1, (1 << 16) / info.rowLength)
            var values = [Float](repeating: 0, count: rowsPerStep * info.rowLength)
            var row = 0
            while row < info.rowCount {
                let rows = min(rowsPerStep, info.rowCount - row)
                let source = UnsafeRawBufferPointer(rebasing: bytes[(row * info.rowByteCount) ..< ((row + rows) * info.rowByteCount)])
                values.withUnsafeMutableBufferPointer { buffer in
                    let out = UnsafeMutableBufferPointer(rebasing: buffer[0 ..< (rows * info.rowLength)])
                    format.dequantizeRow(source, into: out)
                    scanFloats(UnsafeRawBufferPointer(out), count: out.count, offset: row * info.rowLength, into: &counts)
                }
                row += rows
            }
        }
        return counts
    }

    /// Counts NaN and infinity in `count` F32 values; `offset` is the first value's element index.
    private static func scanFloats(_ bytes: UnsafeRawBufferPointer, count: Int, offset: Int,
                                   into counts: inout TensorValueCounts) {
        guard let base = bytes.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else {
            for i in 0 ..< count where !bytes.loadUnaligned(fromByteOffset: i * 4, as: Float.self).isFinite {
                counts.record(offset + i)
            }
            return
        }
        let floats = base.assumingMemoryBound(to: Float.self)
        var start = 0
        while start < count, let bad = NonFiniteScan.firstNonFinite(floats + start, count: count - start) {
            counts.record(offset + start + bad)
            start += bad + 1
        }
    }

    private static func scanHalves(_ bytes: UnsafeRawBufferPointer, count: Int, into counts: inout TensorValueCounts,
                                   each: (UInt16, inout TensorValueCounts, Int) -> Void,
                                   matches: (SIMD16<UInt16>) -> Bool) {
        var i = 0
        while i + 16 <= count {
            if matches(bytes.loadUnaligned(fromByteOffset: i * 2, as: SIMD16<UInt16>.self)) {
                for j in i ..< i + 16 { each(bytes.loadUnaligned(fromByteOffset: j * 2, as: UInt16.self), &counts, j) }
            }
            i += 16
        }
        for j in i ..< count { each(bytes.loadUnaligned(fromByteOffset: j * 2, as: UInt16.self), &counts, j) }
    }
}

extension TensorValueCounts {
    mutating func record(_ index: Int) {
        if firstNonFinite == nil { firstNonFinite = index }
        nonFinite += 1
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
