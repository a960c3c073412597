import GGUF
import Inference
import Quantization

/// Rounds weights through a ggml encoding and back, to see the values a file of that type holds.
enum FakeQuantizer {
    /// `values` (`rows × columns`, row-major) encoded as `type` and decoded again. Types without an
    /// encoder, or whose blocks do not divide the rows, come back unchanged.
    /// `importance` (one weight per column) is what an importance matrix would hand the quantizer.
    static func roundTrip(_ values: [Float], rows: Int, columns: Int, type: GGMLType, importance: [Float]? = nil,
                          product: DenseProduct) -> [Float] {
        guard type != .f32, let format = QuantFormats.format(for: type),
              let rowBytes = type.rowByteCount(columns) else { return values }
        var result = [Float](repeating: 0, count: values.count)
        let rowsPerTask = 16
        values.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in
                let inputBase = input.baseAddress!, outputBase = output.baseAddress!
                product.forEach((rows + rowsPerTask - 1) / rowsPerTask) { task in
                    var bytes = [UInt8](repeating: 0, count: rowBytes)
                    for row in (task * rowsPerTask) ..< min(rows, (task + 1) * rowsPerTask) {
                        let source = UnsafeBufferPointer(start: inputBase + row * columns, count: columns)
                        let target = UnsafeMutableBufferPointer(start: outputBase + row * columns, count: columns)
                        bytes.withUnsafeMutableBytes { encoded in
                            if let importance {
                                importance.withUnsafeBufferPointer {
                                    format.quantizeRow(source, into: encoded, importance: $0)
                                }
                            } else {
                                format.quantizeRow(source, into: encoded, importance: nil)
                            }
                            format.dequantizeRow(UnsafeRawBufferPointer(encoded), into: target)
                        }
                    }
                }
            }
        }
        return result
    }
}
