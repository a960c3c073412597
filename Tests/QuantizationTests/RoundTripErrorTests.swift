import GGUF
import Quantization
import Testing
import TestSupport

/// dequantize(quantize(x)) stays within what each format's bit budget allows.
/// Errors are RMSE divided by the data's range (max − min), on gaussian weights with a
/// few outliers, so the bounds do not depend on the data's scale.
@Suite("Round-trip error")
struct RoundTripErrorTests {
    struct Bound: CustomStringConvertible, Sendable {
        let type: GGMLType
        /// Upper bound on RMSE / range without importance.
        let relativeRMSE: Float
        var description: String { type.name }
    }

    // About 1.5 × the errors measured on these inputs (gaussian σ 0.02, every 1013th value × 12).
    static let bounds: [Bound] = [
        Bound(type: .f32, relativeRMSE: 0),
        Bound(type: .f16, relativeRMSE: 0.000007),
        Bound(type: .bf16, relativeRMSE: 0.00005),
        Bound(type: .q8_0, relativeRMSE: 0.00021),
        Bound(type: .q6_K, relativeRMSE: 0.00065),
        Bound(type: .q5_1, relativeRMSE: 0.0013),
        Bound(type: .q5_0, relativeRMSE: 0.0016),
        Bound(type: .q5_K, relativeRMSE: 0.00125),
        Bound(type: .q4_1, relativeRMSE: 0.0027),
        Bound(type: .q4_0, relativeRMSE: 0.0033),
        Bound(type: .q4_K, relativeRMSE: 0.0025),
        Bound(type: .q3_K, relativeRMSE: 0.0050),
        Bound(type: .q2_K, relativeRMSE: 0.0095),
    ]

    static func weights(seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        var values = (0..<64 * 512).map { _ in generator.gaussian() * 0.02 }
        for i in stride(from: 97, to: values.count, by: 1013) { values[i] *= 12 }
        return values
    }

    static func relativeRMSE(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Double = 0
        for (x, y) in zip(a, b) { sum += Double(x - y) * Double(x - y) }
        let range = Double(a.max()! - a.min()!)
        return Float((sum / Double(a.count)).squareRoot() / range)
    }

    @Test("error without importance is within the format's bound", arguments: bounds)
    func errorWithinBound(bound: Bound) throws {
        let values = Self.weights(seed: 11)
        let quantizer = try RowQuantizer(type: bound.type, threadCount: 2)
        let decoded = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 512), rowLength: 512)
        let error = Self.relativeRMSE(values, decoded)
        #expect(error <= bound.relativeRMSE)
    }

    @Test("uniform importance gives an error close to no importance", arguments: bounds.filter { $0.type.isQuantized })
    func importanceErrorWithinBound(bound: Bound) throws {
        let values = Self.weights(seed: 12)
        let quantizer = try RowQuantizer(type: bound.type, threadCount: 2)
        let ones = [Float](repeating: 1, count: 512)
        let decoded = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 512, importance: ones), rowLength: 512)
        let error = Self.relativeRMSE(values, decoded)
        #expect(error <= bound.relativeRMSE * 1.1)
    }

    @Test("importance lowers the error where it is high", arguments: bounds.filter { $0.type.isQuantized && $0.type != .q8_0 })
    func importanceFavoursWeightedColumns(bound: Bound) throws {
        let values = Self.weights(seed: 13)
        var importance = [Float](repeating: 1, count: 512)
        for column in stride(from: 0, to: 512, by: 4) { importance[column] = 100 }
        let quantizer = try RowQuantizer(type: bound.type, threadCount: 2)
        let plain = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 512), rowLength: 512)
        let weighted = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 512, importance: importance), rowLength: 512)
        func columnError(_ decoded: [Float]) -> Double {
            var sum: Double = 0
            for i in stride(from: 0, to: values.count, by: 4) { sum += Double(values[i] - decoded[i]) * Double(values[i] - decoded[i]) }
            return sum
        }
        #expect(columnError(weighted) < columnError(plain))
    }

    @Test("all-zero rows decode to zeros", arguments: bounds)
    func zeros(bound: Bound) throws {
        let quantizer = try RowQuantizer(type: bound.type)
        let decoded = try quantizer.dequantize(try quantizer.quantize([Float](repeating: 0, count: 512), rowLength: 256), rowLength: 256)
        #expect(decoded.allSatisfy { $0 == 0 })
    }

    @Test("one huge outlier survives and the rest stays finite", arguments: bounds.filter { $0.type.isQuantized })
    func hugeOutlier(bound: Bound) throws {
        var values = Self.weights(seed: 14).prefix(256).map { $0 }
        values[77] = 60000
        let quantizer = try RowQuantizer(type: bound.type)
        let decoded = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 256), rowLength: 256)
        #expect(decoded.allSatisfy { $0.isFinite })
        #expect(abs(decoded[77] - 60000) / 60000 < 0.1)
    }

    @Test("±65504 blocks round-trip to finite values near ±65504", arguments: bounds.filter { $0.type != .bf16 })
    func halfLimits(bound: Bound) throws {
        let values = (0..<256).map { Float($0 % 2 == 0 ? 65504 : -65504) }
        let quantizer = try RowQuantizer(type: bound.type)
        let decoded = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 256), rowLength: 256)
        #expect(decoded.allSatisfy { $0.isFinite })
        // Symmetric formats have one more negative level than positive ones (−8…7 for
        // Q4_0), so one sign loses up to a level's worth: 4.4 % for Q4_0, 7 % for Q3_K.
        #expect(Self.relativeRMSE(values, decoded) <= 0.1)
    }

    @Test("subnormal inputs do not trap and decode to tiny values", arguments: bounds.filter { $0.type.isQuantized })
    func subnormals(bound: Bound) throws {
        var generator = SplitMix64(seed: 15)
        let values = (0..<256).map { _ in Float(bitPattern: UInt32(generator.next() % 0x0080_0000)) * (generator.next() % 2 == 0 ? 1 : -1) }
        let quantizer = try RowQuantizer(type: bound.type)
        let decoded = try quantizer.dequantize(try quantizer.quantize(values, rowLength: 256), rowLength: 256)
        #expect(decoded.allSatisfy { $0.isFinite && abs($0) < 1e-30 })
    }
}
