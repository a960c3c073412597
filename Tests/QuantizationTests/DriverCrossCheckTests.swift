import Foundation
import GGUF
import Quantization
import Testing
import TestSupport

/// Optional, much larger comparison against ggml's C quantizers: set
/// `GGUFKIT_QUANT_DRIVER` to the `quantdriver` binary that scripts/make-quant-goldens.sh
/// builds (in its work folder) to quantize fresh pseudo-random rows (256 per format, or
/// `GGUFKIT_QUANT_DRIVER_ROWS`) with both implementations. Skipped otherwise; the
/// committed goldens cover the same code paths on fewer inputs.
@Suite("ggml driver cross-check", .enabled(if: QuantDriver.path != nil,
                                           "set GGUFKIT_QUANT_DRIVER to scripts/make-quant-goldens.sh's quantdriver to run"))
struct DriverCrossCheckTests {

    /// Every registered block format: a new format is checked as soon as it is registered.
    static let blockTypes: [GGMLType] = QuantFormats.all.map(\.type).filter(\.isQuantized)

    /// Rows mixing the distributions that stress different branches of the searches.
    static func rows(count: Int, rowLength: Int, seed: UInt64) -> [Float] {
        var g = SplitMix64(seed: seed)
        var values = [Float]()
        values.reserveCapacity(count * rowLength)
        for row in 0..<count {
            let scale = Float(pow(10, Double(g.next() % 9) - 5))
            for column in 0..<rowLength {
                let v: Float
                switch row % 8 {
                case 0: v = g.gaussian() * scale
                case 1: v = (Float(g.next() % 2_000_001) / 1_000_000 - 1) * scale
                case 2: v = g.next() % 97 == 0 ? g.gaussian() * scale * 50 : g.gaussian() * scale
                case 3: v = g.next() % 3 == 0 ? 0 : g.gaussian() * scale
                case 4: v = abs(g.gaussian()) * scale + (column % 64 < 8 ? -scale : 0)
                case 5: v = Float(Int(g.next() % 17) - 8) * scale / 4 // exact ties for the level rounding
                case 6: v = pow(g.gaussian(), 3) * scale
                default: v = column % 32 < 16 ? scale : g.gaussian() * scale
                }
                values.append(v)
            }
        }
        return values
    }

    @Test("fresh random rows match ggml byte for byte, with and without importance", arguments: blockTypes)
    func matchesDriver(type: GGMLType) throws {
        let driver = try #require(QuantDriver.path)
        let rowLength = 512
        let rows = Int(ProcessInfo.processInfo.environment["GGUFKIT_QUANT_DRIVER_ROWS"] ?? "") ?? 256
        let values = Self.rows(count: rows, rowLength: rowLength, seed: UInt64(type.rawValue) &* 7919)
        var g = SplitMix64(seed: 5)
        let importance = (0..<rowLength).map { i -> Float in i % 41 == 0 ? 0 : Float(exp(Double(g.gaussian()))) }

        let folder = try TemporaryDirectory()
        let input = folder.file("input.f32")
        let weights = folder.file("importance.f32")
        try values.withUnsafeBytes { try writeBytes(Array($0), to: input) }
        try importance.withUnsafeBytes { try writeBytes(Array($0), to: weights) }

        let quantizer = try RowQuantizer(type: type, threadCount: 2)
        for useImportance in [false, true] {
            let output = folder.file("out-\(useImportance).bin")
            let run = try ChildProcess.run(driver, [type.name, "\(rowLength)", input, useImportance ? weights : "-", output])
            try #require(run.status == 0, "\(run.stderr)")
            let expected = try readBytes(output)
            let actual = try quantizer.quantize(values, rowLength: rowLength, importance: useImportance ? importance : nil)
            let mismatch = firstMismatch(actual, expected, ==)
            #expect(mismatch == nil, "\(type.name) importance=\(useImportance): byte \(mismatch ?? -1), row \(mismatch.map { $0 / type.rowByteCount(rowLength)! } ?? -1)")
        }
    }
}

/// Where the optional ggml driver binary is, from `GGUFKIT_QUANT_DRIVER`.
enum QuantDriver {
    static let path: String? = {
        guard let path = ProcessInfo.processInfo.environment["GGUFKIT_QUANT_DRIVER"],
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }()
}
