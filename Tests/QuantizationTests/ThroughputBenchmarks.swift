import Dispatch
import Foundation
import GGUF
import Quantization
import Testing
import TestSupport

/// Single-thread throughput of every encoder, printed rather than asserted (timings
/// depend on the machine). Run with scripts/bench-quant.sh, which sets `GGUFKIT_BENCH=1`
/// and builds in release mode; skipped otherwise.
@Suite("Throughput", .enabled(if: ProcessInfo.processInfo.environment["GGUFKIT_BENCH"] != nil,
                              "set GGUFKIT_BENCH=1 (scripts/bench-quant.sh) to measure"),
       .serialized)
struct ThroughputBenchmarks {
    static let rowLength = 4096

    /// Best of `repeats` runs, in elements per second.
    static func rate(elements: Int, repeats: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return Double(elements) / best
    }

    static func report(_ label: String, _ rate: Double) {
        let text = rate >= 1e9 ? String(format: "%.2f G elements/s", rate / 1e9) : String(format: "%.1f M elements/s", rate / 1e6)
        print("throughput \(label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(text)")
    }

    @Test("bulk float conversions")
    func conversions() throws {
        let count = 16 << 20
        var g = SplitMix64(seed: 1)
        let floats = (0..<count).map { _ in g.gaussian() * 0.02 }
        var halves = [UInt16](repeating: 0, count: count)
        var back = [Float](repeating: 0, count: count)
        try floats.withUnsafeBufferPointer { f in
            try halves.withUnsafeMutableBufferPointer { h in
                Self.report("F32→F16", try Self.rate(elements: count) { try FloatConversion.f32ToF16(f, into: h) })
                Self.report("F32→BF16", try Self.rate(elements: count) { try FloatConversion.f32ToBF16(f, into: h) })
            }
        }
        try halves.withUnsafeBufferPointer { h in
            try back.withUnsafeMutableBufferPointer { f in
                Self.report("BF16→F32", try Self.rate(elements: count) { try FloatConversion.bf16ToF32(h, into: f) })
                Self.report("F16→F32", try Self.rate(elements: count) { try FloatConversion.f16ToF32(h, into: f) })
            }
        }
    }

    @Test("row encoders and decoders, one thread", arguments: QuantFormats.all.map(\.type))
    func encoders(type: GGMLType) throws {
        let rows = type.isQuantized ? (type.blockSize == 256 ? 64 : 256) : 1024
        var g = SplitMix64(seed: 2)
        let values = (0..<rows * Self.rowLength).map { _ in g.gaussian() * 0.02 }
        let importance = (0..<Self.rowLength).map { _ in Float(exp(Double(g.gaussian()))) }
        let quantizer = try RowQuantizer(type: type, threadCount: 1)
        var encoded: [UInt8] = []
        let plain = try Self.rate(elements: values.count, repeats: 3) {
            encoded = try quantizer.quantize(values, rowLength: Self.rowLength)
        }
        Self.report("quantize \(type.name)", plain)
        if type.isQuantized && type != .q8_0 {
            let weighted = try Self.rate(elements: values.count, repeats: 3) {
                _ = try quantizer.quantize(values, rowLength: Self.rowLength, importance: importance)
            }
            Self.report("quantize \(type.name) +importance", weighted)
        }
        let decode = try Self.rate(elements: values.count, repeats: 3) {
            _ = try quantizer.dequantize(encoded, rowLength: Self.rowLength)
        }
        Self.report("dequantize \(type.name)", decode)
    }
}
