import GGUF
import GPU
import Quantization
import Testing
import TestSupport

/// Each shader against the CPU: weights quantized and decoded with the Quantization formats, products
/// summed in Double.
@Suite("GPU kernels against the CPU", .serialized, .enabled(if: GPUTestDevice.enabled, GPUTestDevice.skipReason))
struct KernelTests {
    struct Case: Sendable, CustomStringConvertible {
        let type: GGMLType
        let rows: Int
        let columns: Int
        let tokens: Int
        /// An invocation per (row, token) instead of a workgroup (see `GPUDevice.matrixProduct`).
        var perInvocation = false
        var description: String {
            "\(type.name) \(rows)×\(columns), \(tokens) tokens\(perInvocation ? ", an invocation per output" : "")"
        }
    }

    static let cases: [Case] = GPUDevice.matrixProductTypes.flatMap { (type: GGMLType) -> [Case] in
        // One block; several blocks and tokens; more work units per row (blocks, or Q4_K quarter blocks)
        // than invocations per workgroup, so each invocation takes several.
        let block = max(type.blockSize, 32)
        return [
            Case(type: type, rows: 1, columns: block, tokens: 1),
            Case(type: type, rows: 19, columns: 3 * block, tokens: 5),
            Case(type: type, rows: 37, columns: max(4096, 80 * block), tokens: 1),
            // An invocation per output: rows beyond one workgroup's 64, several tokens.
            Case(type: type, rows: 70, columns: 3 * block, tokens: 9, perInvocation: true),
        ]
    }

    @Test("matrix product matches the decoded weights' F32 product", arguments: cases)
    func matrixProduct(_ shape: Case) throws {
        let device = try GPUTestDevice.open()
        try checkProduct(shape, on: device, seed: UInt64(shape.rows * 1_000_003 + shape.columns * 31 + shape.tokens))
    }

    /// The exact mode repeats the CPU batch kernel's steps on the rounded activations' integers (the CPU path's
    /// products for batches on AVX-512 machines), so the two give the same bits.
    @Test("exact mode gives the CPU batch kernel's bits", .enabled(if: QuantKernels.cpuLevel >= 2, "the CPU has no batch kernels"),
          arguments: GPUDevice.exactProductTypes)
    func exactProduct(type: GGMLType) throws {
        let device = try GPUTestDevice.open()
        let kernel = try #require(QuantKernels.kernel(for: type))
        let format = try #require(QuantFormats.format(for: type))
        // 37 rows (a partial 16-row panel), 2 super-blocks, 11 tokens (a partial group of 8).
        let rows = 37, columns = 512, tokens = 11
        let rowBytes = try #require(type.rowByteCount(columns))
        var random = SplitMix64(seed: UInt64(type.rawValue) + 500)
        var weights = [UInt8](repeating: 0, count: rows * rowBytes)
        for row in 0 ..< rows {
            let values = (0 ..< columns).map { _ in Float.random(in: -1 ... 1, using: &random) * Float(1 + row % 4) }
            values.withUnsafeBufferPointer { input in
                weights[row * rowBytes ..< (row + 1) * rowBytes].withUnsafeMutableBytes {
                    format.quantizeRow(input, into: $0, importance: nil)
                }
            }
        }
        // Per token a different scale, and one spike, so blocks' scales differ.
        var x = [Float]()
        for token in 0 ..< tokens {
            for i in 0 ..< columns {
                x.append(Float.random(in: -1 ... 1, using: &random) * Float(1 + token) * (i == 7 * token ? 20 : 1))
            }
        }
        let activation = kernel.activation
        let activationRowBytes = activation.rowBytes(columns)
        var encoded = [UInt8](repeating: 0, count: tokens * activationRowBytes)
        x.withUnsafeBufferPointer { source in
            encoded.withUnsafeMutableBytes { rowsOut in
                for token in 0 ..< tokens {
                    activation.encode(source.baseAddress! + token * columns, count: columns,
                                      into: rowsOut.baseAddress! + token * activationRowBytes)
                }
            }
        }
        let expected = try #require(weights.withUnsafeBytes { w in
            encoded.withUnsafeBytes { a in
                kernel.batch(weights: w.baseAddress!, rowBytes: rowBytes, rows: rows, activations: a.baseAddress!,
                             activationRowBytes: activationRowBytes, m: tokens, count: columns, level: QuantKernels.cpuLevel)
            }
        })

        let rounding: GPUActivationRounding = activation == .q8_K ? .q8_K : .q8_1
        let weightBuffer = try device.makeBuffer(byteCount: weights.count, label: "weights")
        try weights.withUnsafeBytes { try weightBuffer.write($0) }
        let input = try device.makeBuffer(byteCount: x.count * 4, label: "input")
        try input.write(x)
        let rounded = try device.makeBuffer(byteCount: x.count * 4, label: "rounded")
        let blocks = GPUBlockActivations(integers: try device.makeBuffer(byteCount: x.count * 4, label: "integers"),
                                         scales: try device.makeBuffer(byteCount: x.count / rounding.blockSize * 4,
                                                                       label: "scales"))
        try device.roundActivations(input, rows: tokens, width: columns, into: rounded, rounding: rounding, blocks: blocks)
        let output = try device.makeBuffer(byteCount: tokens * rows * 4, label: "output")
        try device.matrixProduct(weights: weightBuffer, type: type, rows: rows, columns: columns, input: rounded,
                                 tokens: tokens, output: output, exact: blocks)
        let result = output.readFloats(tokens * rows)
        let differing = zip(expected, result).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(type.name): \(differing) of \(result.count) outputs differ")
    }

    @Test("more rows than a dispatch has workgroups in x: each workgroup takes several rows")
    func manyRows() throws {
        let device = try GPUTestDevice.open()
        try checkProduct(Case(type: .q4_0, rows: 65_535 + 300, columns: 32, tokens: 1), on: device, seed: 7)
        try checkProduct(Case(type: .q8_0, rows: 65_535 + 300, columns: 32, tokens: 2, perInvocation: true), on: device, seed: 8)
    }

    @Test("input and output strides: a product reads a slice of wider rows and writes into a slice of wider rows",
          arguments: [GGMLType.f32, .q8_0, .q6_K], [false, true])
    func strides(type: GGMLType, perInvocation: Bool) throws {
        let device = try GPUTestDevice.open()
        try checkProduct(Case(type: type, rows: 9, columns: max(type.blockSize, 32), tokens: 3, perInvocation: perInvocation),
                         on: device, seed: 99, inputPadding: 7, outputStride: 20, outputOffset: 4)
    }

    @Test("a quantized layout that changes a value changes the output")
    func layoutIsRead() throws {
        // One Q4_0 block with d = 1 and only element 17 (high nibble of byte 1) away from zero, dotted with
        // x_j = j: the result is (15 - 8) * 17 only if the high nibble maps to element j + 16.
        let device = try GPUTestDevice.open()
        var block = [UInt8](repeating: 0x88, count: 18)
        block[0] = 0x00; block[1] = 0x3C  // F16 1.0
        block[2 + 1] = 0xF8
        let weights = try device.makeBuffer(byteCount: 18, label: "weights")
        try block.withUnsafeBytes { try weights.write($0) }
        let input = try device.makeBuffer(byteCount: 32 * 4, label: "input")
        try input.write((0..<32).map(Float.init))
        let output = try device.makeBuffer(byteCount: 4, label: "output")
        try device.matrixProduct(weights: weights, type: .q4_0, rows: 1, columns: 32, input: input, tokens: 1, output: output)
        #expect(output.readFloats(1) == [7 * 17])
    }

    @Test("rms_norm matches the F64 reference", arguments: [(1, 1), (3, 1000), (2, 4096)])
    func rmsNorm(rows: Int, width: Int) throws {
        let device = try GPUTestDevice.open()
        var random = SplitMix64(seed: UInt64(rows * 7919 + width))
        let x = (0..<(rows * width)).map { _ in Float.random(in: -3...3, using: &random) }
        let input = try device.makeBuffer(byteCount: x.count * 4, label: "input")
        let output = try device.makeBuffer(byteCount: x.count * 4, label: "output")
        try input.write(x)
        let epsilon: Float = 1e-5
        try device.rmsNorm(input: input, output: output, width: width, rows: rows, epsilon: epsilon)
        let result = output.readFloats(x.count)
        for row in 0..<rows {
            let values = x[(row * width)..<((row + 1) * width)]
            let meanSquare = values.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(width)
            let scale = 1 / (meanSquare + Double(epsilon)).squareRoot()
            for (offset, value) in values.enumerated() {
                let expected = Double(value) * scale
                let got = Double(result[row * width + offset])
                #expect(abs(got - expected) <= 1e-5 * max(1, abs(expected)), "row \(row) column \(offset): \(got) vs \(expected)")
            }
        }
    }

    @Test("operands that do not fit the kernel are refused")
    func invalidOperands() throws {
        let device = try GPUTestDevice.open()
        let weights = try device.makeBuffer(byteCount: 18 * 4, label: "weights")
        let input = try device.makeBuffer(byteCount: 64 * 4, label: "input")
        let output = try device.makeBuffer(byteCount: 8 * 4, label: "output")
        #expect(throws: GPUError.self) {  // no shader for Q3_K yet
            try device.matrixProduct(weights: weights, type: .q3_K, rows: 1, columns: 256, input: input, tokens: 1, output: output)
        }
        #expect(throws: GPUError.self) {  // row length not a whole number of blocks
            try device.matrixProduct(weights: weights, type: .q4_0, rows: 1, columns: 48, input: input, tokens: 1, output: output)
        }
        #expect(throws: GPUError.self) {  // weights buffer too small for 8 rows
            try device.matrixProduct(weights: weights, type: .q4_0, rows: 8, columns: 32, input: input, tokens: 1, output: output)
        }
        #expect(throws: GPUError.self) {  // a shape whose size overflows is an error, not a trap
            try device.matrixProduct(weights: weights, type: .q4_0, rows: Int.max / 2, columns: 64, input: input,
                                     tokens: 1, output: output)
        }
        #expect(throws: GPUError.self) {
            try device.rmsNorm(input: input, output: output, width: Int.max / 2, rows: 4, epsilon: 1e-5)
        }
        // The well-formed call on the same buffers runs.
        try device.matrixProduct(weights: weights, type: .q4_0, rows: 4, columns: 32, input: input, tokens: 2, output: output)
    }

    private func checkProduct(_ shape: Case, on device: GPUDevice, seed: UInt64, inputPadding: Int = 0,
                              outputStride: Int? = nil, outputOffset: Int = 0) throws {
        let inputStride = shape.columns + inputPadding, outputStride = outputStride ?? shape.rows
        let format = try #require(QuantFormats.format(for: shape.type))
        let rowBytes = try #require(shape.type.rowByteCount(shape.columns))
        var random = SplitMix64(seed: seed)
        let source = (0..<(shape.rows * shape.columns)).map { _ in Float.random(in: -1...1, using: &random) }
        let x = (0..<(shape.tokens * inputStride)).map { _ in Float.random(in: -2...2, using: &random) }

        var encoded = [UInt8](repeating: 0, count: shape.rows * rowBytes)
        var decoded = [Float](repeating: 0, count: source.count)
        for row in 0..<shape.rows {
            let values = row * shape.columns..<(row + 1) * shape.columns
            let bytes = row * rowBytes..<(row + 1) * rowBytes
            source[values].withUnsafeBufferPointer { input in
                encoded[bytes].withUnsafeMutableBytes { format.quantizeRow(input, into: $0, importance: nil) }
            }
            encoded[bytes].withUnsafeBytes { raw in
                decoded[values].withUnsafeMutableBufferPointer { format.dequantizeRow(raw, into: $0) }
            }
        }

        let weights = try device.makeBuffer(byteCount: encoded.count, label: "weights")
        try encoded.withUnsafeBytes { try weights.write($0) }
        let input = try device.makeBuffer(byteCount: x.count * 4, label: "input")
        try input.write(x)
        let output = try device.makeBuffer(byteCount: shape.tokens * outputStride * 4, label: "output")
        try device.matrixProduct(weights: weights, type: shape.type, rows: shape.rows, columns: shape.columns,
                                 input: input, inputStride: inputStride, tokens: shape.tokens, output: output,
                                 outputStride: outputStride, outputOffset: outputOffset, perInvocation: shape.perInvocation)
        let result = output.readFloats(shape.tokens * outputStride)

        var failures = 0
        for token in 0..<shape.tokens {
            for row in 0..<shape.rows {
                var sum = 0.0, magnitude = 0.0
                for k in 0..<shape.columns {
                    let term = Double(decoded[row * shape.columns + k]) * Double(x[token * inputStride + k])
                    sum += term
                    magnitude += abs(term)
                }
                let got = Double(result[token * outputStride + outputOffset + row])
                // F32 sums in a different order: the error is bounded by a small multiple of Σ|terms|.
                if abs(got - sum) > 1e-4 * magnitude + 1e-6 {
                    failures += 1
                    if failures <= 5 { Issue.record("\(shape) token \(token) row \(row): GPU \(got), CPU \(sum)") }
                }
            }
        }
        #expect(failures == 0, "\(failures) outputs differ in \(shape)")
    }
}
