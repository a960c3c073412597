import GGUF
import Quantization

/// The rounding llama.cpp's CPU backend applies to activations before multiplying them by a
/// weight matrix: each weight type has a "vec_dot" partner type (F16 for F16 weights, 8-bit
/// blocks for quantized ones) and the activations are converted to it first.
///
/// Applying the same rounding makes our logits, and so our perplexity, agree with
/// llama-perplexity on the same file instead of being slightly more precise than it.
enum ActivationRounding: Equatable, Sendable {
    case none, f16, bf16
    /// 32-value blocks with an F16 scale (Q8_0, and Q8_1, whose values are the same).
    case q8_0
    /// 256-value blocks with an F32 scale (the K-quants' partner).
    case q8_K

    /// The rounding of the weight type's kernel in ``QuantKernels`` (none for F32).
    init(weightType: GGMLType) {
        switch QuantKernels.kernel(for: weightType)?.activation {
        case .f16: self = .f16
        case .bf16: self = .bf16
        case .q8_1: self = .q8_0
        case .q8_K: self = .q8_K
        case nil: self = .none
        }
    }

    var blockSize: Int {
        switch self {
        case .q8_0: 32
        case .q8_K: 256
        default: 1
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

    func roundRow(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        switch self {
        case .none:
            y.update(from: x, count: count)
        case .f16, .bf16:
            // Through half-width bits and back, with the vectorised converters, a chunk at a time.
            withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 1024) { bits in
                var start = 0
                while start < count {
                    let n = min(1024, count - start)
                    let source = UnsafeBufferPointer(start: x + start, count: n)
                    let half = UnsafeMutableBufferPointer(rebasing: bits[0 ..< n])
                    let target = UnsafeMutableBufferPointer(start: y + start, count: n)
                    if self == .f16 {
                        try? FloatConversion.f32ToF16(source, into: half)
                        try? FloatConversion.f16ToF32(UnsafeBufferPointer(half), into: target)
                    } else {
                        try? FloatConversion.f32ToBF16(source, into: half)
                        try? FloatConversion.bf16ToF32(UnsafeBufferPointer(half), into: target)
                    }
                    start += n
                }
            }
        case .q8_0:
            var start = 0
            while start + 32 <= count {
                Self.roundQ8_0Block(x + start, y + start)
                start += 32
            }
            if start < count { y.advanced(by: start).update(from: x + start, count: count - start) }
        case .q8_K:
            var start = 0
            while start + 256 <= count {
                Self.roundQ8_KBlock(x + start, y + start)
                start += 256
            }
            if start < count { y.advanced(by: start).update(from: x + start, count: count - start) }
        }
    }

    /// ggml's x86 `quantize_row_q8_0`: scale amax/127 stored as F16, values rounded half to even.
    /// Plain loops: LLVM vectorises them, which it does not do for `SIMD16` reductions here.
    @inline(__always)
    private static func roundQ8_0Block(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var amax: Float = 0
        for j in 0 ..< 32 {
            let magnitude = x[j] < 0 ? -x[j] : x[j]
            amax = magnitude > amax ? magnitude : amax
        }
        let storedScale = FloatConversion.float(fromHalfBits: FloatConversion.halfBits(from: amax / 127))
        let inverse: Float = amax != 0 ? 127 / amax : 0
        for j in 0 ..< 32 { y[j] = storedScale * roundHalfEven(x[j] * inverse) }
    }

    /// ggml's `quantize_row_q8_K_ref`: the signed extreme maps to -127, scale kept in F32.
    private static func roundQ8_KBlock(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var amax: Float = 0
        var extreme: Float = 0
        for j in 0 ..< 256 {
            let magnitude = abs(x[j])
            if magnitude > amax {
                amax = magnitude
                extreme = x[j]
            }
        }
        guard amax != 0 else {
            y.update(repeating: 0, count: 256)
            return
        }
        let inverseScale = -127 / extreme
        let scale = 1 / inverseScale
        for j in 0 ..< 256 { y[j] = scale * min(127, roundHalfEven(x[j] * inverseScale)) }
    }

    /// Round half to even for |v| ≤ 2²²: adding and removing 1.5·2²³ leaves no fraction bits, so
    /// the FPU's default rounding does the work. Block values here are at most 127 in magnitude.
    @inline(__always)
    private static func roundHalfEven(_ v: Float) -> Float {
        (v + 12_582_912) - 12_582_912
    }
}
