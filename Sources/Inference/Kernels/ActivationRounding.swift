import GGUF
import Quantization

/// The rounding llama.cpp's CPU backend applies to activations before multiplying them by a
/// weight matrix: each weight type has a "vec_dot" partner type (F16 for F16 weights, 8-bit
/// blocks for quantized ones) and the activations are converted to it first.
///
/// Applying the same rounding makes our logits, and so our perplexity, agree with
/// llama-perplexity on the same file instead of being slightly more precise than it. The batch
/// path rounds through the very encoder the block kernels read (``DotActivation``), so both
/// paths see the same values.
enum ActivationRounding: Equatable, Sendable {
    case none
    case encoded(DotActivation)

    /// The rounding of the weight type's kernel in ``QuantKernels`` (none for F32).
    init(weightType: GGMLType) {
        if let activation = QuantKernels.kernel(for: weightType)?.activation {
            self = .encoded(activation)
        } else {
            self = .none
        }
    }

    /// Writes the rounded copy of `m` rows of `k` values (row stride `stride`) into `output` (stride `k`).
    func round(_ input: UnsafePointer<Float>, rows m: Int, columns k: Int, stride: Int,
               into output: UnsafeMutablePointer<Float>, parallel: Parallel) {
        parallel.forEachSlice(m, grain: 8) { slice, _ in
            for row in slice {
                roundRow(input + row * stride, count: k, into: output + row * k)
            }
        }
    }

    /// Rounds one row; a tail shorter than the encoding's block is copied unrounded.
    func roundRow(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        guard case let .encoded(activation) = self else {
            y.update(from: x, count: count)
            return
        }
        let whole = count / activation.blockSize * activation.blockSize
        if whole > 0 {
            withUnsafeTemporaryAllocation(byteCount: activation.rowBytes(whole), alignment: 64) { row in
                activation.encode(x, count: whole, into: row.baseAddress!)
                activation.decode(row.baseAddress!, count: whole, into: y)
            }
        }
        if whole < count { (y + whole).update(from: x + whole, count: count - whole) }
    }
}
