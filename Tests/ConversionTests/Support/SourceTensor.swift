import SafeTensors

/// One checkpoint tensor of a generated model: its values are exactly what its bytes hold.
struct SourceTensor {
    var name: String
    var dtype: SafeTensorsDType
    /// Safetensors order (rows first).
    var shape: [Int]
    var values: [Float]
    var bytes: [UInt8]

    /// Rounds `values` to `dtype` and keeps the rounded values, so expectations computed
    /// from ``values`` describe the file exactly.
    init(name: String, dtype: SafeTensorsDType, shape: [Int], values: [Float]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        bytes = Reference.encode(values, as: dtype)
        switch dtype {
        case .f16: self.values = values.map { Reference.float(halfBits: Reference.halfBits($0)) }
        case .bf16: self.values = values.map { Reference.float(bfloat16Bits: Reference.bfloat16Bits($0)) }
        default: self.values = values
        }
    }

    var rows: Int { shape.count > 1 ? shape[0] : 1 }
    var columns: Int { shape.last ?? 1 }
}
