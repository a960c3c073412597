/// One tensor as recorded in a GGUF file: name, shape, encoding and where its bytes are.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// The tensor's name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// Shape in GGUF order: `dimensions[0]` (ggml's `ne[0]`) is the fastest-varying
    /// dimension, so this is the reverse of the NumPy / PyTorch shape.
    public let dimensions: [Int]
    /// The element encoding of the data.
    public let type: GGMLType
    /// Byte offset of the tensor's data relative to the start of the data section.
    public let offset: Int
    /// Number of elements (product of the dimensions).
    public let elementCount: Int
    /// Number of data bytes (without alignment padding).
    public let byteCount: Int

    /// Elements in one row, the unit that block formats encode independently.
    public var rowLength: Int { dimensions[0] }

    /// Number of rows: all dimensions but the first multiplied together.
    public var rowCount: Int { elementCount / dimensions[0] }

    /// The shape in NumPy / PyTorch order (slowest-varying first).
    public var numpyShape: [Int] { dimensions.reversed() }

    /// Bytes of one row in this tensor's encoding.
    public var rowByteCount: Int { byteCount / rowCount }

    /// Only built from a validated shape, so the size properties can never trap.
    init(name: String, dimensions: [Int], type: GGMLType, offset: Int, size: TensorSize) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.offset = offset
        elementCount = size.elementCount
        byteCount = size.byteCount
    }
}

/// What the writer is told about a tensor up front, before any data is written.
public struct GGUFTensorDescriptor: Sendable, Equatable, Hashable {
    /// The tensor's name; at most ``GGUFFormat/maxTensorNameBytes`` bytes of UTF-8.
    public let name: String
    /// Shape in GGUF order (`ne[0]`, the row length, first).
    public let dimensions: [Int]
    /// The encoding the data will be written in.
    public let type: GGMLType

    /// Describes a tensor by its GGUF-order dimensions (row length first).
    public init(name: String, dimensions: [Int], type: GGMLType) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
    }

    /// Describes a tensor from its NumPy / PyTorch / safetensors shape (slowest-varying first),
    /// which GGUF stores reversed.
    public init(name: String, numpyShape: [Int], type: GGMLType) {
        self.init(name: name, dimensions: numpyShape.reversed(), type: type)
    }
}
