import CDotKernels
import Quantization

/// Matrix products for prompt batches computed straight from the weights' stored blocks with integer kernels: the
/// activations are rounded to the 8-bit blocks ggml's CPU backend uses for the type (Q8_K for the k-quants, 32-value
/// blocks for Q8_0, Q4_0 and Q5_0) and each kernel call multiplies a run of weight rows by every activation row with
/// 8-bit products, repacking 16 weight rows at a time so one load serves several activation rows. On the AVX-512
/// machine this project is measured on, the Q4_K kernel runs about twice as many multiply-adds per second as
/// OpenBLAS's F32 product and skips decoding to F32.
///
/// Block sums are exact integers and each output's float steps are fixed (one chain over the row's blocks), which
/// the GPU path's shaders repeat step for step: the two paths give the same bits for these types.
///
/// Only parts whose type has a batch kernel are covered (``covers(_:)``); ``LinearWeights`` multiplies the others
/// as before. Tasks are fixed runs of rows whatever the worker count, and each output comes from one kernel call
/// whose arithmetic depends only on the row's place in its 16-row panel, so results are identical for any number of
/// threads.
struct BatchBlockProduct: @unchecked Sendable {
    // @unchecked: reads weight bytes owned by the weight source and C function pointers to pure functions.

    /// Weight rows per task: a multiple of the kernels' 16-row panels, small enough that a projection splits into
    /// many tasks for the workers to balance.
    static let taskRows = 64

    private struct Task {
        let weights: UnsafeRawPointer
        let rowBytes: Int
        let rows: Int32
        let outputOffset: Int
        let function: gk_gemm_function
        /// Index into ``BatchBlockProduct/activations``.
        let encoding: Int
    }

    private let tasks: [Task]
    private let covered: [Bool]
    /// The activation encodings the covered parts read, each encoded once per call.
    private let activations: [DotActivation]
    let columns: Int

    /// `nil` when no part has a batch kernel at `level` (or activations are not rounded, the exact mode).
    init?(parts: [DecodedTensor], rowOffsets: [Int], roundings: [ActivationRounding], level: Int) {
        var tasks: [Task] = []
        var covered: [Bool] = []
        var activations: [DotActivation] = []
        for (index, tensor) in parts.enumerated() {
            guard roundings[index] != .none, let kernel = QuantKernels.kernel(for: tensor.tensor.type),
                  kernel.activation == .q8_K || kernel.activation == .q8_1,
                  tensor.columns % kernel.activation.blockSize == 0,
                  let function = kernel.batchFunction(level: level) else {
                covered.append(false)
                continue
            }
            covered.append(true)
            if !activations.contains(kernel.activation) { activations.append(kernel.activation) }
            let encoding = activations.firstIndex(of: kernel.activation)!
            var start = 0
            while start < tensor.rows {
                let end = min(tensor.rows, start + Self.taskRows)
                tasks.append(Task(weights: tensor.tensor.bytes.baseAddress! + start * tensor.rowBytes,
                                  rowBytes: tensor.rowBytes, rows: Int32(end - start),
                                  outputOffset: rowOffsets[index] + start, function: function, encoding: encoding))
                start = end
            }
        }
        guard !tasks.isEmpty else { return nil }
        self.tasks = tasks
        self.covered = covered
        self.activations = activations
        columns = parts.first?.columns ?? 0
    }

    /// Whether part `index` is multiplied here.
    func covers(_ index: Int) -> Bool { covered[index] }

    /// `output[m × rows] (+)= input[m × columns] · Wᵀ` for the covered parts' output columns.
    func apply(_ input: UnsafePointer<Float>, count m: Int, inputStride: Int,
               into output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool,
               context: ComputeContext) throws(InferenceError) {
        let columns = self.columns
        let n = Int32(columns)
        // Each encoding's rows, then its side table, at these offsets (floats) into the two workspace slots.
        let rowFloats = activations.map { ($0.rowBytes(columns) + 3) / 4 }
        let sumsPerRow = activations.map { $0.blockSumsCount(columns) }
        var rowStarts: [Int] = [], sumStarts: [Int] = []
        var rowTotal = 0, sumTotal = 0
        for index in activations.indices {
            rowStarts.append(rowTotal)
            sumStarts.append(sumTotal)
            rowTotal += try Workspace.product(m, rowFloats[index], what: "encoded activations")
            sumTotal += try Workspace.product(m, sumsPerRow[index], what: "activation sums")
        }
        let encoded = try context.workspace.floats(.encodedInput, count: rowTotal)
        let sums = try context.workspace.floats(.activationSums, count: sumTotal)
        // Panels are 64-byte aligned: the kernels load them whole.
        let panelFloats = (gk_gemm_scratch_bytes(n) + 63) / 64 * 16
        let panels = try context.workspace.floats(.packedPanels, count: Workspace.product(context.parallel.threads,
                                                                                          panelFloats, what: "panels"))
        let activations = self.activations
        context.parallel.forEachSlice(m, grain: 8) { rows, _ in
            for row in rows {
                for (index, activation) in activations.enumerated() {
                    let target = UnsafeMutableRawPointer(encoded + rowStarts[index] + row * rowFloats[index])
                    activation.encode(input + row * inputStride, count: columns, into: target)
                    activation.blockSums(target, count: columns,
                                         into: sums + sumStarts[index] + row * sumsPerRow[index])
                }
            }
        }
        let tasks = self.tasks
        context.parallel.forEachTask(tasks.count) { index, worker in
            let task = tasks[index]
            let e = task.encoding
            task.function(n, task.weights, task.rowBytes, task.rows, encoded + rowStarts[e], rowFloats[e] * 4,
                          sums + sumStarts[e], Int32(m), output + task.outputOffset, outputStride,
                          accumulate ? 1 : 0, panels + worker * panelFloats)
        }
    }
}
