import Quantization
import Testing
import TestSupport

@Suite("Float conversions")
struct FloatConversionTests {
    static let golden = GoldenData.shared

    @Test("every F16 value converts to F32 and back unchanged")
    func allHalvesRoundTrip() throws {
        let halves = (0...UInt16.max).map { $0 }
        var floats = [Float](repeating: 0, count: halves.count)
        var back = [UInt16](repeating: 0, count: halves.count)
        try halves.withUnsafeBufferPointer { h in
            try floats.withUnsafeMutableBufferPointer { try FloatConversion.f16ToF32(h, into: $0) }
        }
        try floats.withUnsafeBufferPointer { f in
            try back.withUnsafeMutableBufferPointer { try FloatConversion.f32ToF16(f, into: $0) }
        }
        for bits in halves {
            let value = floats[Int(bits)]
            #expect(value.bitPattern == FloatConversion.float(fromHalfBits: bits).bitPattern)
            let isNaN = bits & 0x7C00 == 0x7C00 && bits & 0x03FF != 0
            #expect(value.isNaN == isNaN)
            if back[Int(bits)] != bits {
                Issue.record("half 0x\(String(bits, radix: 16)) came back as 0x\(String(back[Int(bits)], radix: 16))")
                return
            }
        }
    }

    @Test("F16 decoding is exact: subnormals, normals, infinities")
    func halfDecodingValues() {
        #expect(FloatConversion.float(fromHalfBits: 0x0001) == Float(bitPattern: 0x3380_0000)) // 2^-24
        #expect(FloatConversion.float(fromHalfBits: 0x03FF) == Float(1023) * Float(bitPattern: 0x3380_0000))
        #expect(FloatConversion.float(fromHalfBits: 0x0400) == Float(bitPattern: 0x3880_0000)) // 2^-14
        #expect(FloatConversion.float(fromHalfBits: 0x3C00) == 1)
        #expect(FloatConversion.float(fromHalfBits: 0x7BFF) == 65504)
        #expect(FloatConversion.float(fromHalfBits: 0xFBFF) == -65504)
        #expect(FloatConversion.float(fromHalfBits: 0x7C00) == .infinity)
        #expect(FloatConversion.float(fromHalfBits: 0x8000).bitPattern == 0x8000_0000)
    }

    @Test("F32→F16 rounds halfway cases to even, at every exponent")
    func halfTiesToEven() {
        for bits in UInt16(0)..<0x7BFF {
            let low = FloatConversion.float(fromHalfBits: bits)
            let high = FloatConversion.float(fromHalfBits: bits + 1)
            let midpoint = (Double(low) + Double(high)) / 2
            let tie = Float(midpoint) // exact: halves have far fewer mantissa bits than F32
            let even = bits & 1 == 0 ? bits : bits + 1
            #expect(FloatConversion.halfBits(from: tie) == even)
            #expect(FloatConversion.halfBits(from: tie.nextDown) == bits)
            #expect(FloatConversion.halfBits(from: tie.nextUp) == bits + 1)
            #expect(FloatConversion.halfBits(from: -tie) == even | 0x8000)
        }
    }

    @Test("bulk and scalar F32→F16 agree on ties, their neighbours and a sweep of all bit patterns")
    func bulkHalfMatchesScalarEverywhere() throws {
        var patterns: [UInt32] = []
        for bits in UInt16(0)..<0x7BFF {
            let low = Double(FloatConversion.float(fromHalfBits: bits))
            let high = Double(FloatConversion.float(fromHalfBits: bits + 1))
            let tie = Float((low + high) / 2)
            for value in [tie, tie.nextDown, tie.nextUp, -tie] { patterns.append(value.bitPattern) }
        }
        for bits in stride(from: UInt64(0), to: 1 << 32, by: 65_521) {
            for offset: UInt64 in [0, 1, 0x1000, 0x1FFF, 0x2000] {
                patterns.append(UInt32(truncatingIfNeeded: bits &+ offset))
            }
        }
        let floats = patterns.map { Float(bitPattern: $0) }
        let bulk = try convert(floats, FloatConversion.f32ToF16)
        let scalar = floats.map(FloatConversion.halfBits(from:))
        let mismatch = firstMismatch(bulk, scalar, ==)
        #expect(mismatch == nil, "pattern 0x\(String(mismatch.map { patterns[$0] } ?? 0, radix: 16))")
        let brains = try convert(floats, FloatConversion.f32ToBF16)
        #expect(firstMismatch(brains, floats.map(FloatConversion.bfloat16Bits(from:)), ==) == nil)
    }

    @Test("F32→F16 overflow, underflow and NaN follow numpy")
    func halfSpecialCases() {
        #expect(FloatConversion.halfBits(from: 65504) == 0x7BFF)
        #expect(FloatConversion.halfBits(from: 65519.99) == 0x7BFF)
        #expect(FloatConversion.halfBits(from: 65520) == 0x7C00)
        #expect(FloatConversion.halfBits(from: -1e10) == 0xFC00)
        #expect(FloatConversion.halfBits(from: .infinity) == 0x7C00)
        #expect(FloatConversion.halfBits(from: Float(bitPattern: 0x3300_0000)) == 0x0000) // 2^-25 ties to 0
        #expect(FloatConversion.halfBits(from: Float(bitPattern: 0x3300_0001)) == 0x0001)
        #expect(FloatConversion.halfBits(from: .leastNonzeroMagnitude) == 0)
        #expect(FloatConversion.halfBits(from: -.leastNonzeroMagnitude) == 0x8000)
        #expect(FloatConversion.halfBits(from: .nan) == 0x7E00)
        // A signalling NaN whose payload lives only in the dropped bits stays NaN.
        #expect(FloatConversion.halfBits(from: Float(bitPattern: 0x7F80_0001)) == 0x7C01)
        #expect(FloatConversion.halfBits(from: Float(bitPattern: 0xFFA0_0000)) == 0xFD00)
    }

    @Test("bulk F32→F16 equals numpy astype(float16) on golden bit patterns and inputs")
    func halfMatchesNumpy() throws {
        let patterns = try Self.golden.values(UInt32.self, "float-patterns.u32")
        let expected = try Self.golden.values(UInt16.self, "float-patterns-f16.u16")
        try #require(patterns.count > 4000 && patterns.count == expected.count)
        let floats = patterns.map { Float(bitPattern: $0) }
        let converted = try convert(floats, FloatConversion.f32ToF16)
        #expect(firstMismatch(converted, expected, ==) == nil)
        #expect(firstMismatch(floats.map(FloatConversion.halfBits(from:)), expected, ==) == nil)

        let inputs = try convert(Self.golden.inputs, FloatConversion.f32ToF16)
        #expect(firstMismatch(inputs, try Self.golden.values(UInt16.self, "f16.bin"), ==) == nil)
    }

    @Test("bulk F32→BF16 equals gguf-py (ggml rounding) on golden bit patterns and inputs")
    func bfloat16MatchesGGML() throws {
        let patterns = try Self.golden.values(UInt32.self, "float-patterns.u32")
        let expected = try Self.golden.values(UInt16.self, "float-patterns-bf16.u16")
        let floats = patterns.map { Float(bitPattern: $0) }
        #expect(firstMismatch(try convert(floats, FloatConversion.f32ToBF16), expected, ==) == nil)
        #expect(firstMismatch(floats.map(FloatConversion.bfloat16Bits(from:)), expected, ==) == nil)
        let inputs = try convert(Self.golden.inputs, FloatConversion.f32ToBF16)
        #expect(firstMismatch(inputs, try Self.golden.values(UInt16.self, "bf16.bin"), ==) == nil)
    }

    @Test("BF16 rounding: ties to even, NaN made quiet, overflow to infinity")
    func bfloat16Rounding() {
        #expect(FloatConversion.bfloat16Bits(from: Float(bitPattern: 0x3F80_8000)) == 0x3F80)
        #expect(FloatConversion.bfloat16Bits(from: Float(bitPattern: 0x3F81_8000)) == 0x3F82)
        #expect(FloatConversion.bfloat16Bits(from: Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(FloatConversion.bfloat16Bits(from: Float(bitPattern: 0x7F80_0001)) == 0x7FC0)
        #expect(FloatConversion.bfloat16Bits(from: Float(bitPattern: 0xFF81_0000)) == 0xFFC1)
        #expect(FloatConversion.bfloat16Bits(from: .greatestFiniteMagnitude) == 0x7F80)
        for bits in stride(from: UInt16(0), through: UInt16.max, by: 1) where bits & 0x7F80 != 0x7F80 {
            #expect(FloatConversion.bfloat16Bits(from: FloatConversion.float(fromBFloat16Bits: bits)) == bits)
        }
    }

    @Test("bulk conversions agree with the scalar ones at every length and alignment",
          arguments: [0, 1, 7, 8, 9, 15, 16, 17, 63, 100])
    func bulkMatchesScalar(count: Int) throws {
        var generator = SplitMix64(seed: UInt64(count) &+ 99)
        let words = (0..<count + 1).map { _ in UInt32(truncatingIfNeeded: generator.next()) }
        // Offsetting by one byte makes every SIMD load and store unaligned.
        var source = [UInt8](repeating: 0, count: (count + 1) * 4 + 1)
        source.withUnsafeMutableBytes { raw in
            for (i, word) in words.prefix(count).enumerated() {
                raw.storeBytes(of: word, toByteOffset: 1 + 4 * i, as: UInt32.self)
            }
        }
        var halves = [UInt8](repeating: 0, count: count * 2 + 1)
        var brains = [UInt8](repeating: 0, count: count * 2 + 1)
        var widened = [UInt8](repeating: 0, count: count * 4 + 1)
        try source.withUnsafeBytes { raw in
            let input = UnsafeRawBufferPointer(rebasing: raw[1..<1 + count * 4])
            try halves.withUnsafeMutableBytes { try FloatConversion.f32ToF16(input, into: UnsafeMutableRawBufferPointer(rebasing: $0[1...])) }
            try brains.withUnsafeMutableBytes { try FloatConversion.f32ToBF16(input, into: UnsafeMutableRawBufferPointer(rebasing: $0[1...])) }
        }
        for i in 0..<count {
            let value = Float(bitPattern: words[i])
            let half = halves.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1 + 2 * i, as: UInt16.self) }
            let brain = brains.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1 + 2 * i, as: UInt16.self) }
            #expect(half == FloatConversion.halfBits(from: value))
            #expect(brain == FloatConversion.bfloat16Bits(from: value))
        }
        try halves.withUnsafeBytes { raw in
            try widened.withUnsafeMutableBytes {
                try FloatConversion.f16ToF32(UnsafeRawBufferPointer(rebasing: raw[1...]), into: UnsafeMutableRawBufferPointer(rebasing: $0[1...]))
            }
        }
        for i in 0..<count {
            let half = halves.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1 + 2 * i, as: UInt16.self) }
            let value = widened.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1 + 4 * i, as: UInt32.self) }
            #expect(value == FloatConversion.float(fromHalfBits: half).bitPattern)
        }
        try brains.withUnsafeBytes { raw in
            try widened.withUnsafeMutableBytes {
                try FloatConversion.bf16ToF32(UnsafeRawBufferPointer(rebasing: raw[1...]), into: UnsafeMutableRawBufferPointer(rebasing: $0[1...]))
            }
        }
        for i in 0..<count {
            let brain = brains.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1 + 2 * i, as: UInt16.self) }
            let value = widened.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1 + 4 * i, as: UInt32.self) }
            #expect(value == UInt32(brain) << 16)
        }
    }

    @Test("random F32 values convert to F16 as the correctly rounded nearest half")
    func randomHalvesAreNearest() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite, abs(value) < 65504 else { continue }
            let bits = FloatConversion.halfBits(from: value)
            let rounded = Double(FloatConversion.float(fromHalfBits: bits))
            let magnitude = bits & 0x7FFF
            // No neighbouring half may be strictly closer.
            for neighbour in [magnitude &- 1, magnitude &+ 1] where neighbour < 0x7C00 {
                let other = Double(FloatConversion.float(fromHalfBits: neighbour | (bits & 0x8000)))
                #expect(abs(other - Double(value)) >= abs(rounded - Double(value)))
            }
        }
    }

    @Test("mis-sized buffers are rejected with an error")
    func sizeMismatch() {
        let source = [Float](repeating: 1, count: 4)
        var destination = [UInt16](repeating: 0, count: 3)
        #expect(throws: QuantizationError.self) {
            try source.withUnsafeBufferPointer { s in
                try destination.withUnsafeMutableBufferPointer { try FloatConversion.f32ToF16(s, into: $0) }
            }
        }
        let odd = [UInt8](repeating: 0, count: 5)
        var out = [UInt8](repeating: 0, count: 8)
        #expect(throws: QuantizationError.self) {
            try odd.withUnsafeBytes { s in try out.withUnsafeMutableBytes { try FloatConversion.bf16ToF32(s, into: $0) } }
        }
    }

    private func convert(_ values: [Float],
                         _ body: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<UInt16>) throws -> Void) throws -> [UInt16] {
        var result = [UInt16](repeating: 0, count: values.count)
        try values.withUnsafeBufferPointer { source in
            try result.withUnsafeMutableBufferPointer { try body(source, $0) }
        }
        return result
    }
}
