// Throughput of every tensor encoding: million weights per second quantizing and
// dequantizing a 4096 x 1024 F32 matrix, at 1 and 2 threads (release build).
// Run: swift run -c release quant-benchmark [rows] [rowLength]
import Dispatch
import Foundation
import GGUF
import Quantization

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let rows = arguments.first ?? 1024
let rowLength = arguments.dropFirst().first ?? 4096
let count = rows * rowLength
var state: UInt64 = 42
let input: [Float] = (0 ..< count).map { _ in
    state = state &* 6364136223846793005 &+ 1442695040888963407
    // Roughly Gaussian weights: the sum of four uniforms.
    var s: Float = 0
    for k in 0 ..< 4 { s += Float((state >> (16 * UInt64(k))) & 0xFFFF) / 65536 - 0.5 }
    return s * 0.05
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now()
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var result = Double.infinity
    for _ in 0 ..< runs { result = min(result, try seconds(body)) }
    return result
}

print("| format | quantize 1T | quantize 2T | dequantize 1T | dequantize 2T |  (M weights/s, \(rows)x\(rowLength))")
print("|---|---|---|---|---|")
for format in QuantFormats.all {
    var cells: [String] = []
    var encoded: [UInt8] = []
    for threads in [1, 2] {
        let quantizer = RowQuantizer(format: format, threadCount: threads)
        let time = try best(of: 3) { encoded = try quantizer.quantize(input, rowLength: rowLength) }
        cells.append(String(format: "%.0f", Double(count) / time / 1e6))
    }
    for threads in [1, 2] {
        let quantizer = RowQuantizer(format: format, threadCount: threads)
        var output: [Float] = []
        let time = try best(of: 3) { output = try quantizer.dequantize(encoded, rowLength: rowLength) }
        precondition(output.count == count)
        cells.append(String(format: "%.0f", Double(count) / time / 1e6))
    }
    print("| \(format.type.name) | " + cells.joined(separator: " | ") + " |")
}
