import GGUF

/// The compute kernels on a device. Shapes follow ggml: a weight matrix is `rows` rows of `columns` values
/// in the file's encoding, activations are `tokens` rows of `columns` F32 values, results are `tokens` rows
/// of `rows` F32 values.
extension GPUDevice {
    /// From this many tokens on, ``matrixProduct`` gives each invocation a whole (row, token) sum.
    public static let perInvocationTokens = 8

    /// Weight encodings `matrixProduct` multiplies without converting them first.
    public static let matrixProductTypes: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K,
                                                        .q4_K, .q5_K, .q6_K]
    /// Types whose shader has the exact mode: the CPU batch kernel's steps (Sources/CDotKernels/gemm_*.c) on the
    /// rounded activations' integers, for the same bits as the CPU path.
    public static let exactProductTypes: [GGMLType] = [.q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q2_K, .q3_K, .q4_K, .q5_K,
                                                       .q6_K]

    /// y = W·x for every token: `output[t * outputStride + outputOffset + r] = Σ_k W[r, k] · input[t * inputStride + k]`
    /// (strides default to `columns` and `rows`), with W dequantized inside the shader and the sum in F32.
    ///
    /// `perInvocation` chooses how the work is split: one workgroup per (row, token) whose invocations share
    /// the row's blocks (few tokens: generation), or one invocation per (row, token) summing the blocks in
    /// order, 64 rows per workgroup (many tokens: no workgroup reductions, which a software device such as
    /// lavapipe runs slowly). By default the second from ``perInvocationTokens`` tokens on.
    public func matrixProduct(weights: GPUBuffer, type: GGMLType, rows: Int, columns: Int, input: GPUBuffer,
                              inputStride: Int? = nil, tokens: Int, output: GPUBuffer, outputStride: Int? = nil,
                              outputOffset: Int = 0, perInvocation: Bool? = nil,
                              exact: GPUBlockActivations? = nil) throws {
        let inputStride = inputStride ?? columns, outputStride = outputStride ?? rows
        let kernel = "matrix product (\(type.name))"
        let shader: String
        switch type {
        case .f32: shader = "matmul_f32"
        case .f16: shader = "matmul_f16"
        case .bf16: shader = "matmul_bf16"
        case .q8_0: shader = "matmul_q8_0"
        case .q4_0: shader = "matmul_q4_0"
        case .q4_1: shader = "matmul_q4_1"
        case .q5_0: shader = "matmul_q5_0"
        case .q5_1: shader = "matmul_q5_1"
        case .q2_K: shader = "matmul_q2_k"
        case .q3_K: shader = "matmul_q3_k"
        case .q5_K: shader = "matmul_q5_k"
        case .q4_K: shader = "matmul_q4_k"
        case .q6_K: shader = "matmul_q6_k"
        default:
            throw GPUError.invalidOperands(kernel: kernel, reason: "no shader for \(type.name) weights yet "
                + "(\(Self.matrixProductTypes.map(\.name).joined(separator: ", ")) have one)")
        }
        // The F16 and BF16 shaders read weights two per word, so a row must start on a word.
        if type == .f16 || type == .bf16, columns % 2 != 0 {
            throw GPUError.invalidOperands(kernel: kernel, reason: "row length \(columns) is odd")
        }
        guard rows > 0, columns > 0, tokens > 0 else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "empty shape \(rows)×\(columns), \(tokens) tokens")
        }
        guard inputStride >= columns, outputOffset >= 0, outputStride >= outputOffset + rows else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "input stride \(inputStride), output stride \(outputStride) and offset \(outputOffset) do not fit \(rows)×\(columns)")
        }
        guard let rowBytes = type.rowByteCount(columns) else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "row length \(columns) is not a multiple of \(type.blockSize)")
        }
        let weightBytes = try product(rows, rowBytes, kernel: kernel)
        let inputValues = try product(tokens - 1, inputStride, kernel: kernel) + columns
        let outputValues = try product(tokens, outputStride, kernel: kernel)
        try requireIndexable(weightBytes, inputValues, outputValues, kernel: kernel)
        try require(weights, holds: weightBytes, kernel: kernel)
        try require(input, holds: inputValues * 4, kernel: kernel)
        try require(output, holds: outputValues * 4, kernel: kernel)
        try requireWorkgroups(tokens, kernel: kernel)
        let split = perInvocation ?? (tokens >= Self.perInvocationTokens)
        let groupsX = split ? (rows + 63) / 64 : rows
        // The exact mode repeats the CPU batch kernel's steps; it is per invocation, for the types that have one.
        let useExact = split && exact != nil && Self.exactProductTypes.contains(type)
        if useExact, let exact {
            try require(exact.integers, holds: inputValues * 4, kernel: kernel)
            try require(exact.scales, holds: inputValues / type.blockSize * 4, kernel: kernel)
        }
        try dispatch(shader, buffers: [weights, input, output, exact?.integers ?? input, exact?.scales ?? input],
                     constants: [UInt32(rows), UInt32(columns), UInt32(tokens), UInt32(inputStride), UInt32(outputStride),
                                 UInt32(outputOffset), split ? 1 : 0, useExact ? 1 : 0],
                     groups: (min(groupsX, info.maxWorkgroupsX), tokens, 1))
    }

    /// ggml's `rms_norm` on `rows` rows of `width` values: each divided by √(mean of squares + ε).
    public func rmsNorm(input: GPUBuffer, output: GPUBuffer, width: Int, rows: Int, epsilon: Float) throws {
        let kernel = "rms_norm"
        guard width > 0, rows > 0 else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "empty shape \(rows)×\(width)")
        }
        let values = try product(rows, width, kernel: kernel)
        try requireIndexable(values, kernel: kernel)
        try require(input, holds: values * 4, kernel: kernel)
        try require(output, holds: values * 4, kernel: kernel)
        try dispatch("rms_norm", buffers: [input, output],
                     constants: [UInt32(width), UInt32(rows), epsilon.bitPattern],
                     groups: (min(rows, info.maxWorkgroupsX), 1, 1))
    }

    /// Workgroups for a grid-stride loop over `count` elements.
    func elementGroups(_ count: Int) -> (Int, Int, Int) {
        (max(1, min((count + 63) / 64, info.maxWorkgroupsX)), 1, 1)
    }

    /// Shapes come from model files: a product that overflows is an error, not a trap.
    func product(_ a: Int, _ b: Int, kernel: String) throws -> Int {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw GPUError.invalidOperands(kernel: kernel, reason: "\(a) × \(b) overflows") }
        return result
    }

    func require(_ buffer: GPUBuffer, holds bytes: Int, kernel: String) throws {
        guard buffer.byteCount >= bytes else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "\(buffer.label) has \(buffer.byteCount) bytes, needs \(bytes)")
        }
    }

    func requireWorkgroups(_ count: Int, kernel: String) throws {
        // Vulkan guarantees 65535 workgroups in y; tokens map to y.
        guard count <= 65535 else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "\(count) tokens in one dispatch; at most 65535")
        }
    }

    /// The shaders index with 32-bit unsigned integers.
    func requireIndexable(_ sizes: Int..., kernel: String) throws {
        for size in sizes where size > Int(UInt32.max) {
            throw GPUError.invalidOperands(kernel: kernel, reason: "\(size) elements exceed 32-bit shader indexing")
        }
    }
}
