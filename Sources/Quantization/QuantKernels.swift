import CDotKernels
import GGUF
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encoding activations are rounded to before they meet a weight row: ggml's "vec_dot_type" of the
/// weight's type. Matching it is what makes our logits agree with llama.cpp's CPU backend.
public enum DotActivation: Sendable, Equatable {
    /// 32-value blocks of int8 with an F16 scale (ggml's Q8_0/Q8_1: the same values).
    case q8_1
    /// 256-value blocks of int8 with an F32 scale and 16-value sums (ggml's Q8_K).
    case q8_K
    case f16
    case bf16

    var cFormat: gk_activation_format {
        switch self {
        case .q8_1: GK_ACTIVATION_Q8_1
        case .q8_K: GK_ACTIVATION_Q8_K
        case .f16: GK_ACTIVATION_F16
        case .bf16: GK_ACTIVATION_BF16
        }
    }

    /// Values per activation block (rows are a whole number of blocks).
    public var blockSize: Int {
        switch self {
        case .q8_1: 32
        case .q8_K: 256
        case .f16, .bf16: 1
        }
    }

    /// Bytes of one encoded row of `count` values (`count` a multiple of ``blockSize``).
    public func rowBytes(_ count: Int) -> Int {
        gk_activation_row_bytes(cFormat, Int32(clamping: count))
    }

    /// Encodes `count` floats into one activation row of ``rowBytes(_:)`` bytes.
    public func encode(_ source: UnsafePointer<Float>, count: Int, into row: UnsafeMutableRawPointer) {
        gk_quantize_activations(cFormat, source, row, Int32(clamping: count), 0)
    }

    /// Floats of the side table a batch kernel reads beside one encoded row of `count` values (Q8_K and Q8_1 only).
    public func blockSumsCount(_ count: Int) -> Int {
        gk_gemm_block_sums_count(cFormat, Int32(clamping: count))
    }

    /// Writes that side table for an encoded row: scales and sums of the integer values per block.
    public func blockSums(_ row: UnsafeRawPointer, count: Int, into sums: UnsafeMutablePointer<Float>) {
        gk_gemm_block_sums(cFormat, Int32(clamping: count), row, sums)
    }

    /// Decodes an activation row back to floats.
    public func decode(_ row: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        gk_dequantize_activations(cFormat, row, destination, Int32(clamping: count))
    }
}

/// How the inference core multiplies a weight row of one ggml type by an activation row.
public enum DotKernel: @unchecked Sendable {
    // @unchecked: holds C function pointers to pure functions.

    /// A kernel working on the stored blocks (integer products per block, scales applied in float).
    case blocks(gk_dot_kernel, decode: gk_decode_kernel)
    /// Decode the weight row to F32, then an F32 dot with the activations rounded to this encoding (and decoded
    /// back): for encodings without a block kernel yet. Same result up to float summation order.
    case decoded(DotActivation)

    /// The activation encoding the kernel reads.
    public var activation: DotActivation {
        switch self {
        case let .blocks(kernel, _):
            switch kernel.activation {
            case GK_ACTIVATION_Q8_K: .q8_K
            case GK_ACTIVATION_F16: .f16
            case GK_ACTIVATION_BF16: .bf16
            default: .q8_1
            }
        case let .decoded(activation): activation
        }
    }

    /// The block kernel's function for SIMD level `level` (capped by the CPU; see ``QuantKernels/cpuLevel``).
    public func blockFunction(level: Int) -> gk_dot_function? {
        guard case let .blocks(kernel, _) = self else { return nil }
        return withUnsafePointer(to: kernel) { gk_dot_select($0, Int32(level)) }
    }

    /// The block kernel's four-row function at SIMD level `level`, where the type has one (see ``dot4``).
    public func blockFunction4(level: Int) -> gk_dot4_function? {
        guard case let .blocks(kernel, _) = self else { return nil }
        return withUnsafePointer(to: kernel) { gk_dot4_select($0, Int32(level)) }
    }

    /// The block kernel's batch function (many activation rows at once) at SIMD level `level`, where the type has one.
    public func batchFunction(level: Int) -> gk_gemm_function? {
        guard case let .blocks(kernel, _) = self else { return nil }
        return withUnsafePointer(to: kernel) { gk_gemm_select($0, Int32(level)) }
    }

    /// `results[a × rows + r]` = weight row `r` · activation row `a` for `rows` weight rows (at `weights + r × rowBytes`)
    /// and `m` Q8_K activation rows (at `activations + a × activationRowBytes`), by the batch kernel at SIMD level
    /// `level`; `nil` where the type has none at that level.
    public func batch(weights: UnsafeRawPointer, rowBytes: Int, rows: Int, activations: UnsafeRawPointer,
                      activationRowBytes: Int, m: Int, count: Int, level: Int) -> [Float]? {
        guard let function = batchFunction(level: level) else { return nil }
        let n = Int32(clamping: count)
        let sumsPerRow = activation.blockSumsCount(count)
        var sums = [Float](repeating: 0, count: max(1, sumsPerRow * m))
        sums.withUnsafeMutableBufferPointer { buffer in
            for a in 0 ..< m {
                activation.blockSums(activations + a * activationRowBytes, count: count, into: buffer.baseAddress! + a * sumsPerRow)
            }
        }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, max(64, gk_gemm_scratch_bytes(n))) == 0, let raw else { return nil }
        defer { free(raw) }
        var results = [Float](repeating: 0, count: rows * m)
        results.withUnsafeMutableBufferPointer { out in
            sums.withUnsafeBufferPointer { sums in
                function(n, weights, rowBytes, Int32(clamping: rows), activations, activationRowBytes, sums.baseAddress!,
                         Int32(clamping: m), out.baseAddress!, rows, 0, raw)
            }
        }
        return results
    }

    /// The four dot products of the weight rows at `weights + k × rowBytes` (k = 0…3) with one activation row, by the
    /// four-row kernel at SIMD level `level`; `nil` where the type has none at that level.
    public func dot4(weights: UnsafeRawPointer, rowBytes: Int, activations: UnsafeRawPointer, count: Int,
                     level: Int) -> [Float]? {
        guard let function = blockFunction4(level: level) else { return nil }
        var results = [Float](repeating: 0, count: 4)
        results.withUnsafeMutableBufferPointer { function(Int32(clamping: count), weights, rowBytes, activations, $0.baseAddress!) }
        return results
    }

    /// `Σ weight[i] · activation[i]` over `count` values with the block kernel at SIMD level `level`: one weight row
    /// in its stored encoding, one activation row encoded by ``activation``. `nil` for decode-then-dot kernels.
    public func dot(weights: UnsafeRawPointer, activations: UnsafeRawPointer, count: Int, level: Int) -> Float? {
        guard let function = blockFunction(level: level) else { return nil }
        var result: Float = 0
        function(Int32(clamping: count), weights, activations, &result)
        return result
    }

    /// Decodes one stored weight row of `count` values to F32 with the decoder at SIMD level `level`; `false` when
    /// the kernel has no decoder (decode-then-dot kernels use the format's own).
    public func decode(_ row: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>,
                       level: Int) -> Bool {
        guard let function = decodeFunction(level: level) else { return false }
        function(Int32(clamping: count), row, destination)
        return true
    }

    /// The row decoder (stored blocks to F32) for SIMD level `level`, for block kernels.
    public func decodeFunction(level: Int) -> gk_decode_function? {
        guard case let .blocks(_, decode) = self else { return nil }
        return withUnsafePointer(to: decode) { gk_decode_select($0, Int32(level)) }
    }
}

/// The registry of dot-product kernels, keyed by ggml type, beside ``QuantFormats``: adding a format adds a row.
/// Types without a row (F32) are multiplied as F32 by BLAS.
public enum QuantKernels {
    static let table: [GGMLType: DotKernel] = [
        .f16: .blocks(gk_dot_f16, decode: gk_decode_f16),
        .bf16: .blocks(gk_dot_bf16, decode: gk_decode_bf16),
        .q4_0: .blocks(gk_dot_q4_0, decode: gk_decode_q4_0),
        .q4_1: .blocks(gk_dot_q4_1, decode: gk_decode_q4_1),
        .q5_0: .blocks(gk_dot_q5_0, decode: gk_decode_q5_0),
        .q5_1: .blocks(gk_dot_q5_1, decode: gk_decode_q5_1),
        .q8_0: .blocks(gk_dot_q8_0, decode: gk_decode_q8_0),
        .q2_K: .blocks(gk_dot_q2_K, decode: gk_decode_q2_K),
        .q3_K: .blocks(gk_dot_q3_K, decode: gk_decode_q3_K),
        .q4_K: .blocks(gk_dot_q4_K, decode: gk_decode_q4_K),
        .q5_K: .blocks(gk_dot_q5_K, decode: gk_decode_q5_K),
        .q6_K: .blocks(gk_dot_q6_K, decode: gk_decode_q6_K),
        .iq2_xxs: .decoded(.q8_K),
        .iq2_xs: .decoded(.q8_K),
        .iq3_xxs: .decoded(.q8_K),
        .iq1_s: .decoded(.q8_K),
        .iq4_nl: .blocks(gk_dot_iq4_nl, decode: gk_decode_iq4_nl),
        .iq3_s: .decoded(.q8_K),
        .iq2_s: .decoded(.q8_K),
        .iq4_xs: .blocks(gk_dot_iq4_xs, decode: gk_decode_iq4_xs),
        .iq1_m: .decoded(.q8_K),
    ]

    /// Types with a block kernel (and a C row decoder), by ggml type id.
    public static var blockKernelTypes: [GGMLType] {
        table.compactMap { type, kernel in
            if case .blocks = kernel { return type }
            return nil
        }.sorted { $0.rawValue < $1.rawValue }
    }

    /// The kernel for weights of `type`, or `nil` for F32 (and types ggufkit does not read).
    public static func kernel(for type: GGMLType) -> DotKernel? { table[type] }

    /// The widest SIMD level the running CPU offers the kernels: 2 AVX-512 with VNNI, 1 AVX2, 0 scalar. The
    /// environment variable `GGUFKIT_SIMD_LEVEL` lowers it (never raises it), which is how the portable paths are
    /// tested and compared on a machine that has the wide ones.
    public static let cpuLevel: Int = {
        let supported = Int(gk_dot_cpu_level())
        if let text = getenv("GGUFKIT_SIMD_LEVEL").map({ String(cString: $0) }), let wanted = Int(text) {
            return max(0, min(wanted, supported))
        }
        return supported
    }()

    /// F32 dot product of `count` values at SIMD level `level`.
    public static func dotF32(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int, level: Int) -> Float {
        gk_dot_f32(Int32(clamping: count), x, y, Int32(level))
    }
}
