import CDotKernels
import Quantization

/// Matrix products computed straight from the weights' stored blocks, for a few activation rows at a time
/// (generation and short prompts): the activations are encoded the way ggml's CPU backend encodes them and each
/// output is one dot-product kernel call on the mapped weight bytes, so nothing is decoded to F32 and each token
/// reads the file's bytes once instead of four to eight times as many.
///
/// Tasks cover fixed row ranges whatever the worker count, and each output comes from the same kernel call
/// within its task, so results are identical for any number of threads.
struct BlockProduct: @unchecked Sendable {
    // @unchecked: reads weight bytes owned by the weight source and C function pointers to pure functions.

    /// Activation rows up to which ``LinearWeights`` uses this product; larger batches run as BLAS products on
    /// decoded tiles, which win once the decoding is shared by enough rows.
    static let rowLimit = 8

    /// Bytes of weights one task covers: long runs of consecutive rows keep the row prefetches ahead of the kernels
    /// (a 7B-shaped model generated 10% faster with 256 KiB tasks than with 64 KiB ones), while large matrices still
    /// split into enough tasks to balance the workers.
    static let taskBytes = 1 << 18

    /// Everything a worker needs for one task as plain values, so handing out tasks copies no references.
    private struct Task {
        /// Index into ``tensors``.
        let part: Int
        let rows: Range<Int>
        let weights: UnsafeRawPointer
        let rowBytes: Int
        let outputOffset: Int
        /// `nil` for decode-then-dot parts.
        let function: gk_dot_function?
        /// Four rows at a time, where the type has such a kernel; tasks then start on multiples of four rows.
        let function4: gk_dot4_function?
        /// Index into ``activations`` of the encoding this task reads.
        let activationIndex: Int
        let activationRowBytes: Int
    }

    /// The parts' weights (decode-then-dot parts decode their rows from them).
    private let tensors: [DecodedTensor]
    private let tasks: [Task]
    /// The distinct activation encodings the parts read, in first-use order.
    private let activations: [DotActivation]
    /// The encoding decode-then-dot parts read (as floats), when there are such parts.
    private let decodedActivationIndex: Int?
    let columns: Int
    /// SIMD level of the F32 dot used by decode-then-dot parts.
    private let level: Int

    /// `nil` when a part's type has no kernel (F32 weights) or activations are not rounded (exact mode).
    init?(parts decoded: [DecodedTensor], rowOffsets: [Int], roundings: [ActivationRounding], level: Int) {
        var tasks: [Task] = []
        var activations: [DotActivation] = []
        var decodedActivationIndex: Int?
        for (index, tensor) in decoded.enumerated() {
            guard roundings[index] != .none, let kernel = QuantKernels.kernel(for: tensor.tensor.type) else { return nil }
            if !activations.contains(kernel.activation) { activations.append(kernel.activation) }
            guard tensor.columns % kernel.activation.blockSize == 0 else { return nil }
            let activationIndex = activations.firstIndex(of: kernel.activation)!
            let function = kernel.blockFunction(level: level)
            if function == nil {
                // One float copy of the rounded activations serves every decode-then-dot part; parts wanting two
                // different roundings are left to the batch path.
                guard decodedActivationIndex == nil || decodedActivationIndex == activationIndex else { return nil }
                decodedActivationIndex = activationIndex
            }
            let function4 = function == nil ? nil : kernel.blockFunction4(level: level)
            var tileRows = max(1, min(tensor.rows, Self.taskBytes / max(tensor.rowBytes, 1)))
            if function4 != nil { tileRows = max(4, tileRows / 4 * 4) }
            var start = 0
            while start < tensor.rows {
                let end = min(tensor.rows, start + tileRows)
                tasks.append(Task(part: index, rows: start ..< end,
                                  weights: tensor.tensor.bytes.baseAddress! + start * tensor.rowBytes,
                                  rowBytes: tensor.rowBytes, outputOffset: rowOffsets[index] + start,
                                  function: function, function4: function4, activationIndex: activationIndex,
                                  activationRowBytes: kernel.activation.rowBytes(tensor.columns)))
                start = end
            }
        }
        tensors = decoded
        self.tasks = tasks
        self.activations = activations
        self.decodedActivationIndex = decodedActivationIndex
        columns = decoded.first?.columns ?? 0
        self.level = level
    }

    /// `output[m × rows] (+)= input[m × columns] · Wᵀ` for `m` ≤ ``rowLimit`` rows.
    func apply(_ input: UnsafePointer<Float>, count m: Int, inputStride: Int,
               into output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool,
               context: ComputeContext) throws(InferenceError) {
        let columns = self.columns
        // Each encoding's rows, one after another in one scratch buffer.
        var offsets: [Int] = []
        var total = 0
        for activation in activations {
            offsets.append(total)
            total += (activation.rowBytes(columns) * m + 63) / 64 * 64
        }
        let encoded = UnsafeMutableRawPointer(try context.workspace.floats(.encodedInput, count: total / 4 + 1))
        for (index, activation) in activations.enumerated() {
            let rowBytes = activation.rowBytes(columns)
            for row in 0 ..< m {
                activation.encode(input + row * inputStride, count: columns,
                                  into: encoded + offsets[index] + row * rowBytes)
            }
        }
        // Parts without a block kernel take the rounded activations as floats, and decode weight rows per worker.
        var rounded: UnsafeMutablePointer<Float>?
        var decodeScratch: UnsafeMutablePointer<Float>?
        if let decodedIndex = decodedActivationIndex {
            let activation = activations[decodedIndex]
            let floats = try context.workspace.floats(.roundedInput, count: Workspace.product(m, columns, what: "rounded input"))
            for row in 0 ..< m {
                activation.decode(encoded + offsets[decodedIndex] + row * activation.rowBytes(columns), count: columns,
                                  into: floats + row * columns)
            }
            rounded = floats
            decodeScratch = try context.workspace.floats(.decode, count: Workspace.product(context.parallel.threads, columns,
                                                                                         what: "decoded weight rows"))
        }
        let level = self.level
        context.parallel.forEachTask(tasks.count) { index, worker in
            let task = tasks[index]
            let target = output + task.outputOffset
            if let function = task.function {
                gk_dot_rows(function, task.function4, Int32(columns), task.weights, task.rowBytes, Int32(task.rows.count),
                            encoded + offsets[task.activationIndex], task.activationRowBytes, Int32(m),
                            target, outputStride, accumulate ? 1 : 0)
            } else if let rounded, let decodeScratch {
                let tensor = tensors[task.part]
                let row = decodeScratch + worker * columns
                for r in task.rows {
                    tensor.decodeRow(r, into: row)
                    for i in 0 ..< m {
                        let value = QuantKernels.dotF32(row, rounded + i * columns, count: columns, level: level)
                        let slot = target + i * outputStride + (r - task.rows.lowerBound)
                        slot.pointee = accumulate ? slot.pointee + value : value
                    }
                }
            }
        }
    }
}
