/// Why a tensor's name, shape or type cannot be stored in (or was rejected from) a GGUF file.
///
/// Shared by the reader and the writer so both apply exactly the same rules.
public enum GGUFTensorProblem: Equatable, Sendable, CustomStringConvertible {
    /// The UTF-8 name is longer than llama.cpp's fixed name buffer allows.
    case nameTooLong(bytes: Int, limit: Int)
    /// A tensor needs between 1 and ``GGUFFormat/maxDimensions`` dimensions.
    case dimensionCount(Int)
    /// Dimensions must be positive; file values above `Int64.max` show up negative, as in ggml.
    case invalidDimension(index: Int, value: Int64)
    /// The product of the dimensions does not fit in a signed 64-bit integer.
    case elementCountOverflow(dimensions: [Int])
    /// `dimensions[0]` (one row) is not a whole number of the type's blocks.
    case rowNotWholeBlocks(rowLength: Int, type: GGMLType, blockSize: Int)
    /// The tensor's size in bytes does not fit in `Int`.
    case byteCountOverflow

    /// The problem in words, to follow a tensor's name.
    public var description: String {
        switch self {
        case let .nameTooLong(bytes, limit):
            return "name is \(bytes) bytes long, more than the \(limit) bytes ggml allows"
        case let .dimensionCount(count):
            return "has \(count) dimensions; between 1 and \(GGUFFormat.maxDimensions) are allowed"
        case let .invalidDimension(index, value):
            return "dimension \(index) is \(value); dimensions must be positive"
        case let .elementCountOverflow(dimensions):
            return "element count of shape \(dimensions) overflows 64 bits"
        case let .rowNotWholeBlocks(rowLength, type, blockSize):
            return "row length \(rowLength) is not a multiple of the \(type.name) block size \(blockSize)"
        case .byteCountOverflow:
            return "size in bytes overflows"
        }
    }
}

/// The size of a tensor whose name and shape passed ``TensorShape/validate(name:dimensions:type:)``.
struct TensorSize {
    let elementCount: Int
    let byteCount: Int
}

/// The outcome of a shape check. Not `Result`, which would force the problem to be an `Error`
/// of its own beside ``GGUFError``.
enum TensorShapeCheck {
    case valid(TensorSize)
    case invalid(GGUFTensorProblem)
}

/// The single set of tensor shape rules used by reader and writer.
enum TensorShape {
    static func validate(name: String, dimensions: [Int], type: GGMLType) -> TensorShapeCheck {
        let nameBytes = name.utf8.count
        guard nameBytes <= GGUFFormat.maxTensorNameBytes else {
            return .invalid(.nameTooLong(bytes: nameBytes, limit: GGUFFormat.maxTensorNameBytes))
        }
        guard (1 ... GGUFFormat.maxDimensions).contains(dimensions.count) else {
            return .invalid(.dimensionCount(dimensions.count))
        }
        var elements = 1
        for (index, dimension) in dimensions.enumerated() {
            guard dimension > 0 else { return .invalid(.invalidDimension(index: index, value: Int64(dimension))) }
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return .invalid(.elementCountOverflow(dimensions: dimensions)) }
            elements = product
        }
        guard dimensions[0] % type.blockSize == 0 else {
            return .invalid(.rowNotWholeBlocks(rowLength: dimensions[0], type: type, blockSize: type.blockSize))
        }
        guard let bytes = type.byteCount(elements: elements) else { return .invalid(.byteCountOverflow) }
        return .valid(TensorSize(elementCount: elements, byteCount: bytes))
    }
}
