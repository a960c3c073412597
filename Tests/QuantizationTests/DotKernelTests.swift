import Foundation
import GGUF
import Quantization
import Testing
import TestSupport

/// The inference core's dot-product kernels (``QuantKernels``) against dequantize-then-F32 references, at every
/// SIMD level the machine has (level 0 is the portable C path every other machine falls back to).
@Suite("Dot-product kernels")
struct DotKernelTests {
    static let blockTypes: [GGMLType] = QuantKernels.blockKernelTypes
    static let levels = Array(0 ... QuantKernels.cpuLevel)
    static let count = 1024

    /// A weight row quantized by the type's own encoder, and its decoding by that encoder's decoder.
    static func weightRow(_ type: GGMLType, values: [Float]) -> (bytes: [UInt8], decoded: [Float]) {
        let format = QuantFormats.format(for: type)!
        var bytes = [UInt8](repeating: 0, count: type.rowByteCount(values.count)!)
        var decoded = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes { format.quantizeRow(source, into: $0, importance: nil) }
        }
        bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { format.dequantizeRow(raw, into: $0) }
        }
        return (bytes, decoded)
    }

    /// An activation row encoded for `kernel`, and its decoded values.
    static func activationRow(_ kernel: DotKernel, values: [Float]) -> (bytes: [UInt8], decoded: [Float]) {
        var bytes = [UInt8](repeating: 0, count: kernel.activation.rowBytes(values.count))
        var decoded = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes { kernel.activation.encode(source.baseAddress!, count: values.count, into: $0.baseAddress!) }
        }
        bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer {
                kernel.activation.decode(raw.baseAddress!, count: values.count, into: $0.baseAddress!)
            }
        }
        return (bytes, decoded)
    }

    static func dot(_ kernel: DotKernel, _ weights: [UInt8], _ activations: [UInt8], level: Int) -> Float {
        weights.withUnsafeBytes { w in
            activations.withUnsafeBytes { a in
                kernel.dot(weights: w.baseAddress!, activations: a.baseAddress!, count: count, level: level)!
            }
        }
    }

    @Test("each block kernel equals the F32 dot of the decoded rows", arguments: blockTypes, levels)
    func matchesDecodedDot(type: GGMLType, level: Int) {
        let kernel = QuantKernels.kernel(for: type)!
        var random = SplitMix64(seed: UInt64(type.rawValue) * 31 + 7)
        for trial in 0 ..< 20 {
            // Mixed magnitudes, and an outlier now and then, so scales and mins take varied values.
            let w = (0 ..< Self.count).map { i in random.gaussian() * (i % 97 == 0 ? 8 : 1) + (trial % 2 == 0 ? 0.3 : 0) }
            let x = (0 ..< Self.count).map { _ in random.gaussian() * 3 }
            let weights = Self.weightRow(type, values: w)
            let activations = Self.activationRow(kernel, values: x)
            var reference = 0.0, magnitude = 0.0
            for i in 0 ..< Self.count {
                let product = Double(weights.decoded[i]) * Double(activations.decoded[i])
                reference += product
                magnitude += abs(product)
            }
            let result = Double(Self.dot(kernel, weights.bytes, activations.bytes, level: level))
            // Only float summation order separates the two: a few units in the last place of the magnitude.
            #expect(abs(result - reference) <= 2e-6 * magnitude + 1e-6,
                    "\(type.name) level \(level) trial \(trial): \(result) vs \(reference)")
        }
    }

    static let fourRowTypes = blockTypes.filter { type in
        levels.contains { QuantKernels.kernel(for: type)!.blockFunction4(level: $0) != nil }
    }

    @Test("each four-row kernel gives every row's F32 dot of the decoded rows", arguments: fourRowTypes)
    func fourRowsMatchDecodedDot(type: GGMLType) {
        let kernel = QuantKernels.kernel(for: type)!
        var random = SplitMix64(seed: UInt64(type.rawValue) * 17 + 3)
        for trial in 0 ..< 10 {
            let rows = (0 ..< 4).map { row in
                Self.weightRow(type, values: (0 ..< Self.count).map { i in
                    random.gaussian() * (i % 89 == row ? 6 : 1) + Float(row) * 0.2
                })
            }
            let x = (0 ..< Self.count).map { _ in random.gaussian() * 2 }
            let activations = Self.activationRow(kernel, values: x)
            let rowBytes = rows[0].bytes.count
            let weights = rows.flatMap(\.bytes)
            for level in Self.levels {
                let results = weights.withUnsafeBytes { w in
                    activations.bytes.withUnsafeBytes { a in
                        kernel.dot4(weights: w.baseAddress!, rowBytes: rowBytes, activations: a.baseAddress!,
                                    count: Self.count, level: level)
                    }
                }
                guard let results else { continue }
                for (k, row) in rows.enumerated() {
                    var reference = 0.0, magnitude = 0.0
                    for i in 0 ..< Self.count {
                        let product = Double(row.decoded[i]) * Double(activations.decoded[i])
                        reference += product
                        magnitude += abs(product)
                    }
                    #expect(abs(Double(results[k]) - reference) <= 2e-6 * magnitude + 1e-6,
                            "\(type.name) level \(level) trial \(trial) row \(k): \(results[k]) vs \(reference)")
                }
            }
        }
    }

    @Test("a four-row kernel exists where the CPU has AVX-512 (Q4_0)")
    func fourRowKernelPresent() {
        #expect(QuantKernels.kernel(for: .q4_0)!.blockFunction4(level: 0) == nil)
        if QuantKernels.cpuLevel >= 2 { #expect(Self.fourRowTypes.contains(.q4_0)) }
    }

    static let batchTypes = blockTypes.filter { type in
        levels.contains { QuantKernels.kernel(for: type)!.batchFunction(level: $0) != nil }
    }

    /// `rows` random weight rows of `type` and `m` activation rows, each row's scale and offset different.
    static func batchOperands(_ type: GGMLType, rows: Int, m: Int, seed: UInt64)
        -> (weights: [(bytes: [UInt8], decoded: [Float])], activations: [(bytes: [UInt8], decoded: [Float])]) {
        let kernel = QuantKernels.kernel(for: type)!
        var random = SplitMix64(seed: seed)
        var weights: [(bytes: [UInt8], decoded: [Float])] = []
        for row in 0 ..< rows {
            let scale = Float(1 + row % 3)
            let offset = Float(row % 5) * 0.2
            var values: [Float] = []
            for i in 0 ..< count {
                let spike: Float = i % 97 == row % 97 ? 6 : 1
                values.append(random.gaussian() * spike * scale + offset)
            }
            weights.append(weightRow(type, values: values))
        }
        var activations: [(bytes: [UInt8], decoded: [Float])] = []
        for a in 0 ..< m {
            let scale = Float(1 + a % 4)
            activations.append(activationRow(kernel, values: (0 ..< count).map { _ in random.gaussian() * scale }))
        }
        return (weights, activations)
    }

    // 37 weight rows: two whole 16-row panels and a partial one; 19 activation rows: two groups of 8 and a tail.
    @Test("each batch kernel gives every (weight row, activation row) the F32 dot of the decoded rows",
          arguments: batchTypes)
    func batchMatchesDecodedDot(type: GGMLType) {
        let kernel = QuantKernels.kernel(for: type)!
        let (rows, m) = (37, 19)
        let (weights, activations) = Self.batchOperands(type, rows: rows, m: m, seed: UInt64(type.rawValue) * 31 + 7)
        let rowBytes = weights[0].bytes.count
        let activationBytes = activations[0].bytes.count
        let flatWeights = weights.flatMap(\.bytes)
        let flatActivations = activations.flatMap(\.bytes)
        for level in Self.levels {
            let results = flatWeights.withUnsafeBytes { w in
                flatActivations.withUnsafeBytes { a in
                    kernel.batch(weights: w.baseAddress!, rowBytes: rowBytes, rows: rows, activations: a.baseAddress!,
                                 activationRowBytes: activationBytes, m: m, count: Self.count, level: level)
                }
            }
            guard let results else { continue }
            for a in 0 ..< m {
                for r in 0 ..< rows {
                    var reference = 0.0, magnitude = 0.0
                    for i in 0 ..< Self.count {
                        let product = Double(weights[r].decoded[i]) * Double(activations[a].decoded[i])
                        reference += product
                        magnitude += abs(product)
                    }
                    let value = Double(results[a * rows + r])
                    #expect(abs(value - reference) <= 2e-6 * magnitude + 1e-6,
                            "\(type.name) level \(level) row \(r) activation \(a): \(value) vs \(reference)")
                }
            }
        }
    }

    @Test("a batch kernel's result for a row depends only on the row's place in its 16-row panel", arguments: batchTypes)
    func batchResultsIndependentOfSplit(type: GGMLType) {
        let kernel = QuantKernels.kernel(for: type)!
        let (rows, m) = (48, 11)
        let (weights, activations) = Self.batchOperands(type, rows: rows, m: m, seed: 99)
        let rowBytes = weights[0].bytes.count
        let activationBytes = activations[0].bytes.count
        let flatWeights = weights.flatMap(\.bytes)
        let flatActivations = activations.flatMap(\.bytes)
        func run(firstRow: Int, rowCount: Int, firstActivation: Int, activationCount: Int) -> [Float] {
            flatWeights.withUnsafeBytes { w in
                flatActivations.withUnsafeBytes { a in
                    kernel.batch(weights: w.baseAddress! + firstRow * rowBytes, rowBytes: rowBytes, rows: rowCount,
                                 activations: a.baseAddress! + firstActivation * activationBytes,
                                 activationRowBytes: activationBytes, m: activationCount, count: Self.count,
                                 level: QuantKernels.cpuLevel)!
                }
            }
        }
        let whole = run(firstRow: 0, rowCount: rows, firstActivation: 0, activationCount: m)
        // Rows 16..<48 alone, and activation rows 3..<10 alone (a group of 7 instead of part of a group of 8).
        let lastPanels = run(firstRow: 16, rowCount: 32, firstActivation: 0, activationCount: m)
        let someActivations = run(firstRow: 0, rowCount: rows, firstActivation: 3, activationCount: 7)
        for a in 0 ..< m {
            #expect(Array(whole[a * rows + 16 ..< (a + 1) * rows]) == Array(lastPanels[a * 32 ..< (a + 1) * 32]))
        }
        for a in 0 ..< 7 {
            #expect(Array(whole[(a + 3) * rows ..< (a + 4) * rows]) == Array(someActivations[a * rows ..< (a + 1) * rows]))
        }
    }

    @Test("batch kernels exist where the CPU has AVX-512 (Q2_K to Q6_K, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1), and none below")
    func batchKernelPresent() {
        #expect(QuantKernels.kernel(for: .q4_K)!.batchFunction(level: 1) == nil)
        if QuantKernels.cpuLevel >= 2 {
            for type in [GGMLType.q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1] { #expect(Self.batchTypes.contains(type), "\(type.name)") }
        }
    }

    /// ggml's own bound (tests/test-quantize-fns.cpp): on its synthetic data, the kernel's dot of quantized rows may
    /// differ from the exact dot of the unquantized rows by at most 0.02 per value (0.04 for the 2-bit types).
    @Test("each block kernel is within ggml's dot-product error bound", arguments: blockTypes)
    func ggmlErrorBound(type: GGMLType) {
        let kernel = QuantKernels.kernel(for: type)!
        let n = 32 * 128
        let w = (0 ..< n).map { Float(0.1 + 2 * cos(Double($0))) }
        let x = (0 ..< n).map { Float(0.1 + 2 * cos(Double($0) + 1)) }
        let weights = Self.weightRow(type, values: w)
        let activations = Self.activationRow(kernel, values: x)
        let exact = zip(w, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let bound = type == .q2_K ? 0.04 : 0.02
        for level in Self.levels {
            let result = weights.bytes.withUnsafeBytes { wb in
                activations.bytes.withUnsafeBytes { ab in
                    kernel.dot(weights: wb.baseAddress!, activations: ab.baseAddress!, count: n, level: level)!
                }
            }
            #expect(abs(Double(result) - exact) / Double(n) < bound, "\(type.name) level \(level)")
        }
    }

    @Test("each row decoder gives the format's own decoding", arguments: blockTypes, levels)
    func decoderMatchesFormat(type: GGMLType, level: Int) {
        let kernel = QuantKernels.kernel(for: type)!
        var random = SplitMix64(seed: UInt64(type.rawValue) + 1000)
        let w = (0 ..< Self.count).map { _ in random.gaussian() }
        let weights = Self.weightRow(type, values: w)
        var decoded = [Float](repeating: .nan, count: Self.count)
        let decodedByKernel = weights.bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer {
                kernel.decode(raw.baseAddress!, count: Self.count, into: $0.baseAddress!, level: level)
            }
        }
        #expect(decodedByKernel)
        let first = decoded.indices.first { decoded[$0].bitPattern != weights.decoded[$0].bitPattern }
        #expect(first == nil, "\(type.name) level \(level): value \(first ?? -1) differs")
    }

    @Test("activations are rounded as ggml's CPU backend rounds them")
    func activationEncoding() {
        // Q8_1 blocks: scale amax/127 rounded to F16, values rounded half to even; Q8_K: the signed extreme at -127.
        var x = [Float](repeating: 0, count: 256)
        for i in 0 ..< 256 { x[i] = Float(i % 32) - 10.5 }
        x[3] = 63.5  // the first block's extreme: scale 63.5/127 = 0.5, so values scale by 2 exactly
        let q8 = Self.activationRow(QuantKernels.kernel(for: .q4_0)!, values: x)
        let scale = Float(Float16(Float(63.5) / 127))
        #expect(q8.decoded[3] == scale * 127)
        #expect(q8.decoded[0] == scale * -21)
        // Q8_K on the negated row: the extreme -63.5 maps to -127 (scale 0.5).
        let k = Self.activationRow(QuantKernels.kernel(for: .q4_K)!, values: x.map { -$0 })
        #expect(k.decoded[3] == -63.5)
        #expect(k.decoded[0] == 10.5)
        // Ties round to even: 2.5 → 2 with scale 1.
        var ties = [Float](repeating: 0, count: 32)
        ties[0] = 127
        ties[1] = 2.5
        ties[2] = 3.5
        let tied = Self.activationRow(QuantKernels.kernel(for: .q8_0)!, values: ties)
        #expect(tied.decoded[1] == 2)
        #expect(tied.decoded[2] == 4)
    }

    @Test("every type ggufkit writes except F32 has a kernel; its activations match the block size")
    func tableCoversFormats() {
        for format in QuantFormats.all where format.type != .f32 {
            let kernel = QuantKernels.kernel(for: format.type)
            #expect(kernel != nil, "\(format.type.name)")
            if let kernel { #expect(format.type.blockSize % kernel.activation.blockSize == 0 || format.type.blockSize == 1) }
        }
        #expect(QuantKernels.kernel(for: .f32) == nil)
    }
}
