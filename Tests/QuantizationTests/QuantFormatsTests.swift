import GGUF
import Quantization
import Testing
import TestSupport

@Suite("Format registry")
struct QuantFormatsTests {
    static let supported: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                        .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq2_xxs, .iq2_xs, .iq3_xxs,
                                        .iq1_s, .iq4_nl, .iq3_s, .iq2_s, .iq4_xs, .iq1_m]

    @Test("every supported type has exactly one registered format", arguments: supported)
    func registered(type: GGMLType) throws {
        let format = try #require(QuantFormats.format(for: type))
        #expect(format.type == type)
        #expect(QuantFormats.all.filter { $0.type == type }.count == 1)
    }

    @Test("types without an encoder are not registered")
    func unsupported() {
        #expect(QuantFormats.format(for: .tq1_0) == nil)
        #expect(QuantFormats.format(for: .q8_1) == nil)
        #expect(QuantFormats.all.count == Self.supported.count)
    }

    @Test("without importance, one call over several rows equals one call per row", arguments: supported)
    func multiRowCalls(type: GGMLType) throws {
        let format = try #require(QuantFormats.format(for: type))
        let rowLength = 512, rows = 3
        var generator = SplitMix64(seed: 21)
        let values = (0..<rows * rowLength).map { _ in generator.gaussian() }
        let rowBytes = type.rowByteCount(rowLength)!
        var together = [UInt8](repeating: 0, count: rows * rowBytes)
        var separate = together
        values.withUnsafeBufferPointer { source in
            together.withUnsafeMutableBytes { format.quantizeRow(source, into: $0, importance: nil) }
            separate.withUnsafeMutableBytes { out in
                for row in 0..<rows {
                    format.quantizeRow(UnsafeBufferPointer(rebasing: source[row * rowLength..<(row + 1) * rowLength]),
                                       into: UnsafeMutableRawBufferPointer(rebasing: out[row * rowBytes..<(row + 1) * rowBytes]),
                                       importance: nil)
                }
            }
        }
        #expect(together == separate)
        var decoded = [Float](repeating: 0, count: values.count)
        together.withUnsafeBytes { bytes in decoded.withUnsafeMutableBufferPointer { format.dequantizeRow(bytes, into: $0) } }
        let perRow = try RowQuantizer(format: format, threadCount: 1).dequantize(together, rowLength: rowLength)
        #expect(decoded.map(\.bitPattern) == perRow.map(\.bitPattern))
    }

    @Test("the row encoder never writes past a short destination", arguments: supported)
    func shortDestination(type: GGMLType) throws {
        let format = try #require(QuantFormats.format(for: type))
        let rowLength = 2 * type.blockSize * (type.isQuantized ? 1 : 16)
        let values = [Float](repeating: 0.5, count: rowLength)
        let full = type.rowByteCount(rowLength)!
        // One byte short of the full row, with a guard byte after the region given out.
        var bytes = [UInt8](repeating: 0xEE, count: full)
        values.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBytes { raw in
                format.quantizeRow(source, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<full - 1]), importance: nil)
            }
        }
        #expect(bytes[full - 1] == 0xEE)
    }
}
