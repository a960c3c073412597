import Foundation
import Quantization

/// One or more weight matrices with the same row length, applied as a single projection
/// (Q, K and V together; gate and up together): part `i` produces output columns
/// `rowOffsets[i] ..< rowOffsets[i] + parts[i].rows`.
///
/// A few activation rows at a time (generation) multiply the stored blocks directly
/// (``BlockProduct``). Larger batches use integer batch kernels where the type has one
/// (``BatchBlockProduct``), else BLAS: in place when the matrix is a single aligned
/// F32 tensor, else on F32 tiles decoded per call, one tile per worker, unless the user gave the
/// weight cache a budget (``InferenceOptions/weightCacheBytes``) and the decoded matrix fits it.
final class LinearWeights: @unchecked Sendable {
    // @unchecked: `storage` changes once, under `lock`; afterwards it is only read.
    let parts: [DecodedTensor]
    let rowOffsets: [Int]
    /// Output features (sum of the parts' rows).
    let rows: Int
    /// Input features.
    let columns: Int
    /// How each part's input is rounded first, as llama.cpp's CPU kernels do.
    let roundings: [ActivationRounding]
    /// Products straight from the stored blocks for a few activation rows, when every part has a kernel.
    let blockProduct: BlockProduct?
    /// Integer products for larger batches, for the parts whose type has a batch kernel.
    let batchProduct: BatchBlockProduct?

    private enum Storage {
        case undecided
        case direct(UnsafePointer<Float>)
        case cached(UnsafeMutablePointer<Float>)
        case streamed
    }

    private let lock = NSLock()
    private var storage = Storage.undecided

    init(parts: [DecodedTensor], roundsActivations: Bool, level: Int) {
        self.parts = parts
        var offsets: [Int] = []
        var total = 0
        for part in parts {
            offsets.append(total)
            total += part.rows
        }
        rowOffsets = offsets
        rows = total
        columns = parts.first?.columns ?? 0
        roundings = parts.map { roundsActivations ? ActivationRounding(weightType: $0.tensor.type) : .none }
        blockProduct = BlockProduct(parts: parts, rowOffsets: offsets, roundings: roundings, level: level)
        batchProduct = BatchBlockProduct(parts: parts, rowOffsets: offsets, roundings: roundings, level: level)
    }

    deinit {
        if case let .cached(pointer) = storage { free(pointer) }
    }

    /// `output[m × rows] (+)= input[m × columns] · Wᵀ`, with the input rounded per part the
    /// way llama.cpp rounds activations for that weight type.
    func apply(_ input: UnsafePointer<Float>, count m: Int, inputStride: Int,
               into output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool,
               context: ComputeContext) throws(InferenceError) {
        guard m > 0 else { return }
        if let tap = context.tap {
            let names = parts.map(\.tensor.name).filter { tap.wants($0) }
            if !names.isEmpty {
                tap.observe(names, input: input, rows: m, columns: columns, stride: inputStride)
            }
        }
        if m <= BlockProduct.rowLimit, let blockProduct {
            try blockProduct.apply(input, count: m, inputStride: inputStride, into: output, outputStride: outputStride,
                                   accumulate: accumulate, context: context)
            return
        }
        if let batchProduct {
            try batchProduct.apply(input, count: m, inputStride: inputStride, into: output, outputStride: outputStride,
                                   accumulate: accumulate, context: context)
        }
        var first = 0
        while first < parts.count {
            if batchProduct?.covers(first) == true {
                first += 1
                continue
            }
            var end = first + 1
            while end < parts.count, roundings[end] == roundings[first], batchProduct?.covers(end) != true { end += 1 }
            var a = input
            var lda = inputStride
            if roundings[first] != .none {
                let rounded = try context.workspace.floats(.roundedInput, count: Workspace.product(m, columns,
                                                                                                  what: "rounded input"))
                roundings[first].round(input, rows: m, columns: columns, stride: inputStride, into: rounded,
                                       parallel: context.parallel)
                a = UnsafePointer(rounded)
                lda = columns
            }
            try applyParts(first ..< end, a, count: m, inputStride: lda, into: output, outputStride: outputStride,
                           accumulate: accumulate, context: context)
            first = end
        }
    }

    /// Multiplies by the rows of `partRange` only, writing their output columns.
    private func applyParts(_ partRange: Range<Int>, _ input: UnsafePointer<Float>, count m: Int, inputStride: Int,
                            into output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool,
                            context: ComputeContext) throws(InferenceError) {
        let firstRow = rowOffsets[partRange.lowerBound]
        let rowCount = rowOffsets[partRange.upperBound - 1] + parts[partRange.upperBound - 1].rows - firstRow
        switch resolve(context) {
        case let .direct(weights):
            context.multiplyTransposed(m: m, n: rowCount, k: columns, a: input, lda: inputStride,
                                       b: weights + firstRow * columns, ldb: columns,
                                       accumulate: accumulate, c: output + firstRow, ldc: outputStride)
        case let .cached(weights):
            context.multiplyTransposed(m: m, n: rowCount, k: columns, a: input, lda: inputStride,
                                       b: UnsafePointer(weights + firstRow * columns), ldb: columns,
                                       accumulate: accumulate, c: output + firstRow, ldc: outputStride)
        case .streamed, .undecided:
            if partRange.count == 1, let weights = parts[partRange.lowerBound].directFloats {
                context.multiplyTransposed(m: m, n: rowCount, k: columns, a: input, lda: inputStride, b: weights,
                                           ldb: columns, accumulate: accumulate, c: output + firstRow, ldc: outputStride)
                return
            }
            try context.multiplyDecodedTiles(m: m, n: rowCount, k: columns, a: input, lda: inputStride,
                                             accumulate: accumulate, c: output + firstRow, ldc: outputStride) { rows, into in
                decodeRows(firstRow + rows.lowerBound ..< firstRow + rows.upperBound, into: into)
            }
        }
    }

    /// Decodes rows `range` of the stacked matrix into consecutive rows of `destination`, on the calling thread.
    private func decodeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>) {
        var index = parts.count - 1
        while index > 0 && rowOffsets[index] > range.lowerBound { index -= 1 }
        var row = range.lowerBound
        while row < range.upperBound {
            while index + 1 < parts.count && rowOffsets[index + 1] <= row { index += 1 }
            parts[index].decodeRow(row - rowOffsets[index], into: destination + (row - range.lowerBound) * columns)
            row += 1
        }
    }

    /// Writes row `row` (0..<rows) as F32 into `destination`, from the cache when there is one.
    func decodeRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) {
        lock.lock()
        let current = storage
        lock.unlock()
        switch current {
        case let .direct(weights):
            destination.update(from: weights + row * columns, count: columns)
        case let .cached(weights):
            destination.update(from: weights + row * columns, count: columns)
        case .streamed, .undecided:
            var index = parts.count - 1
            while index > 0 && rowOffsets[index] > row { index -= 1 }
            parts[index].decodeRow(row - rowOffsets[index], into: destination)
        }
    }

    /// Decides where the F32 weights live, decoding them into the cache when they fit.
    private func resolve(_ context: ComputeContext) -> Storage {
        lock.lock()
        defer { lock.unlock() }
        if case .undecided = storage {
            storage = place(context)
        }
        return storage
    }

    private func place(_ context: ComputeContext) -> Storage {
        if parts.count == 1, let weights = parts[0].directFloats { return .direct(weights) }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (bytes, overflow2) = count.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow, !overflow2, context.cache.reserve(bytes) else { return .streamed }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, max(bytes, 1)) == 0, let raw else {
            context.cache.release(bytes)
            return .streamed
        }
        let weights = raw.bindMemory(to: Float.self, capacity: count)
        for (index, part) in parts.enumerated() {
            part.decodeRows(0 ..< part.rows, into: weights + rowOffsets[index] * columns, parallel: context.parallel)
            context.releasePages(part.tensor.name)
        }
        return .cached(weights)
    }
}
