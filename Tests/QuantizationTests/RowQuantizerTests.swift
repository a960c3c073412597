import GGUF
import Quantization
import Testing
import TestSupport

@Suite("Tensor-level quantizer")
struct RowQuantizerTests {
    static let blockTypes: [GGMLType] = [.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]
    static let allTypes: [GGMLType] = [.f32, .f16, .bf16] + blockTypes

    static func gaussianTensor(rows: Int, rowLength: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0..<rows * rowLength).map { _ in generator.gaussian() * 0.02 }
    }

    @Test("1 thread and 4 threads give identical bytes", arguments: allTypes)
    func threadCountDoesNotChangeBytes(type: GGMLType) throws {
        let rowLength = 512
        let values = Self.gaussianTensor(rows: 37, rowLength: rowLength, seed: 1)
        var generator = SplitMix64(seed: 2)
        let importance = (0..<rowLength).map { _ in Float(generator.next() % 1000) / 100 }
        for weights in [nil, importance] {
            let single = try RowQuantizer(type: type, threadCount: 1).quantize(values, rowLength: rowLength, importance: weights)
            let parallel = try RowQuantizer(type: type, threadCount: 4).quantize(values, rowLength: rowLength, importance: weights)
            #expect(single == parallel)
            #expect(single.count == 37 * type.rowByteCount(rowLength)!)
            let decodedSingle = try RowQuantizer(type: type, threadCount: 1).dequantize(single, rowLength: rowLength)
            let decodedParallel = try RowQuantizer(type: type, threadCount: 4).dequantize(single, rowLength: rowLength)
            #expect(decodedSingle.map(\.bitPattern) == decodedParallel.map(\.bitPattern))
        }
    }

    @Test("tensor-level output equals the row encoder applied row by row", arguments: blockTypes)
    func tensorMatchesRows(type: GGMLType) throws {
        let rowLength = 256
        let values = Self.gaussianTensor(rows: 5, rowLength: rowLength, seed: 3)
        let format = try #require(QuantFormats.format(for: type))
        let tensor = try RowQuantizer(format: format, threadCount: 3).quantize(values, rowLength: rowLength)
        let rowBytes = type.rowByteCount(rowLength)!
        for row in 0..<5 {
            var bytes = [UInt8](repeating: 0, count: rowBytes)
            values.withUnsafeBufferPointer { source in
                bytes.withUnsafeMutableBytes {
                    format.quantizeRow(UnsafeBufferPointer(rebasing: source[row * rowLength..<(row + 1) * rowLength]),
                                       into: $0, importance: nil)
                }
            }
            #expect(Array(tensor[row * rowBytes..<(row + 1) * rowBytes]) == bytes)
        }
    }

    @Test("NaN and infinity are rejected with their row and column", arguments: blockTypes)
    func nonFiniteRejected(type: GGMLType) throws {
        let rowLength = 256
        for (bad, row, column) in [(Float.nan, 2, 17), (.infinity, 0, 255), (-.infinity, 3, 0), (.nan, 1, 9)] {
            var values = Self.gaussianTensor(rows: 4, rowLength: rowLength, seed: 4)
            values[row * rowLength + column] = bad
            // A second, later bad value must not be the one reported.
            values[3 * rowLength + 200] = .nan
            for threads in [1, 4] {
                #expect(throws: QuantizationError.nonFiniteValue(row: row, column: column)) {
                    _ = try RowQuantizer(type: type, threadCount: threads).quantize(values, rowLength: rowLength)
                }
            }
        }
    }

    @Test("plain float types keep NaN and infinity instead of rejecting them", arguments: [GGMLType.f32, .f16, .bf16])
    func plainTypesAcceptNonFinite(type: GGMLType) throws {
        let values: [Float] = [.nan, .infinity, -.infinity, 1, -2, 0.5, 65504, 0]
        let quantizer = try RowQuantizer(type: type, threadCount: 1)
        let decoded = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 4), rowLength: 4)
        #expect(decoded[0].isNaN)
        #expect(decoded[1] == .infinity && decoded[2] == -.infinity)
        #expect(Array(decoded[3...]) == [1, -2, 0.5, type == .bf16 ? 65536 : 65504, 0])
    }

    @Test("rows that are not a whole number of blocks are rejected", arguments: blockTypes)
    func partialBlocksRejected(type: GGMLType) throws {
        let quantizer = try RowQuantizer(type: type)
        let blockSize = type.blockSize
        for rowLength in [blockSize / 2, blockSize + 16, 0, -blockSize] {
            let values = [Float](repeating: 0.25, count: Swift.max(rowLength, 1) * 2)
            #expect(throws: QuantizationError.invalidRowLength(rowLength: rowLength, blockSize: blockSize, type: type)) {
                _ = try quantizer.quantize(values, rowLength: rowLength)
            }
            #expect(throws: QuantizationError.invalidRowLength(rowLength: rowLength, blockSize: blockSize, type: type)) {
                _ = try quantizer.rowByteCount(rowLength: rowLength)
            }
        }
    }

    @Test("size mismatches are reported, never read or written past")
    func sizeMismatches() throws {
        let quantizer = try RowQuantizer(type: .q8_0, threadCount: 2)
        let values = [Float](repeating: 1, count: 96)
        #expect(throws: QuantizationError.incompleteRow(elementCount: 96, rowLength: 64)) {
            _ = try quantizer.quantize(values, rowLength: 64)
        }
        #expect(throws: QuantizationError.importanceLengthMismatch(expected: 32, actual: 31)) {
            _ = try quantizer.quantize(values, rowLength: 32, importance: [Float](repeating: 1, count: 31))
        }
        var tooSmall = [UInt8](repeating: 0, count: 3 * 34 - 1)
        #expect(throws: QuantizationError.self) {
            try values.withUnsafeBufferPointer { source in
                try tooSmall.withUnsafeMutableBytes { try quantizer.quantize(source, rowLength: 32, into: $0) }
            }
        }
        #expect(throws: QuantizationError.self) {
            _ = try quantizer.dequantize([UInt8](repeating: 0, count: 35), rowLength: 32)
        }
        #expect(throws: QuantizationError.unsupportedType(.tq1_0)) { _ = try RowQuantizer(type: .tq1_0) }
    }

    @Test("empty tensors encode to nothing")
    func emptyTensor() throws {
        let quantizer = try RowQuantizer(type: .q4_K)
        #expect(try quantizer.quantize([], rowLength: 256).isEmpty)
        #expect(try quantizer.dequantize([], rowLength: 256).isEmpty)
    }

    @Test("errors describe themselves with their context")
    func errorDescriptions() {
        #expect(QuantizationError.nonFiniteValue(row: 3, column: 7).description.contains("row 3, column 7"))
        #expect(QuantizationError.invalidRowLength(rowLength: 100, blockSize: 256, type: .q4_K).description
            .contains("q4_K"))
        #expect(QuantizationError.unsupportedType(.iq1_s).description.contains("iq1_s"))
    }
}
