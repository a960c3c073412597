import CDotKernels
import GGUF
import Quantization

/// A stored 2-D weight tensor with its decoder: rows of any supported encoding to F32.
struct DecodedTensor: @unchecked Sendable {
    // @unchecked: wraps read-only bytes owned by the weight source.
    let tensor: WeightTensor
    let format: any BlockFormat
    let rows: Int
    let columns: Int
    let rowBytes: Int
    /// The C row decoder for the running CPU, when the type has one (faster than `format`'s, same values).
    private let fastDecode: gk_decode_function?

    /// Checks the tensor is `[columns, rows]` (GGUF order) and that its bytes hold exactly that.
    init(_ tensor: WeightTensor, columns: Int, rows: Int?, source: String,
         level: Int = QuantKernels.cpuLevel) throws(InferenceError) {
        let foundRows = tensor.dimensions.count == 2 ? tensor.dimensions[1] : -1
        guard tensor.dimensions.count == 2, tensor.dimensions[0] == columns, rows == nil || foundRows == rows else {
            throw .tensorShapeMismatch(name: tensor.name, expected: [columns, rows ?? foundRows],
                                       found: tensor.dimensions, source: source)
        }
        try self.init(checked: tensor, columns: columns, rows: foundRows, source: source, level: level)
    }

    /// A 1-D tensor of `count` values viewed as one row.
    init(vector tensor: WeightTensor, count: Int, source: String) throws(InferenceError) {
        guard tensor.dimensions == [count] else {
            throw .tensorShapeMismatch(name: tensor.name, expected: [count], found: tensor.dimensions, source: source)
        }
        try self.init(checked: tensor, columns: count, rows: 1, source: source, level: QuantKernels.cpuLevel)
    }

    private init(checked tensor: WeightTensor, columns: Int, rows: Int, source: String,
                 level: Int) throws(InferenceError) {
        guard let format = QuantFormats.format(for: tensor.type) else {
            throw .unsupportedTensorType(name: tensor.name, type: tensor.type.name, source: source)
        }
        guard let rowBytes = tensor.type.rowByteCount(columns) else {
            throw .tensorShapeMismatch(name: tensor.name, expected: [columns, rows], found: tensor.dimensions,
                                       source: source)
        }
        let (total, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, total == tensor.bytes.count, tensor.bytes.baseAddress != nil || total == 0 else {
            throw .tensorShapeMismatch(name: tensor.name, expected: [columns, rows], found: tensor.dimensions,
                                       source: source)
        }
        self.tensor = tensor
        self.format = format
        self.rows = rows
        self.columns = columns
        self.rowBytes = rowBytes
        fastDecode = QuantKernels.kernel(for: tensor.type)?.decodeFunction(level: level)
    }

    /// The rows as F32 in place, when the tensor is F32 and suitably aligned.
    var directFloats: UnsafePointer<Float>? {
        guard tensor.type == .f32, let base = tensor.bytes.baseAddress,
              Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return base.assumingMemoryBound(to: Float.self)
    }

    /// Decodes row `row` into `destination` (`columns` floats).
    @inline(__always)
    func decodeRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) {
        if let fastDecode {
            fastDecode(Int32(columns), tensor.bytes.baseAddress! + row * rowBytes, destination)
            return
        }
        let source = UnsafeRawBufferPointer(rebasing: tensor.bytes[row * rowBytes ..< (row + 1) * rowBytes])
        format.dequantizeRow(source, into: UnsafeMutableBufferPointer(start: destination, count: columns))
    }

    /// Decodes rows `range` into consecutive rows of `destination` (row stride `columns`), in parallel.
    func decodeRows(_ range: Range<Int>, into destination: UnsafeMutablePointer<Float>, parallel: Parallel) {
        parallel.forEachSlice(range.count, grain: 8) { slice, _ in
            for index in slice {
                decodeRow(range.lowerBound + index, into: destination + index * columns)
            }
        }
    }

    /// The whole tensor as a Swift array (for norms, biases and other small vectors).
    func floats() -> [Float] {
        var values = [Float](repeating: 0, count: rows * columns)
        values.withUnsafeMutableBufferPointer { buffer in
            for row in 0 ..< rows { decodeRow(row, into: buffer.baseAddress! + row * columns) }
        }
        return values
    }
}
