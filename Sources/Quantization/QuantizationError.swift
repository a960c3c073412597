import GGUF

/// Why a tensor could not be encoded or decoded.
///
/// Row and column numbers are zero-based and relative to the tensor being processed;
/// callers that know the tensor's name add it when they report the error.
public enum QuantizationError: Error, CustomStringConvertible, Equatable {
    /// No ``BlockFormat`` is registered for this ggml type.
    case unsupportedType(GGMLType)
    /// The row length is zero, negative, or not a whole number of the type's blocks.
    case invalidRowLength(rowLength: Int, blockSize: Int, type: GGMLType)
    /// The element count does not split into whole rows.
    case incompleteRow(elementCount: Int, rowLength: Int)
    /// A buffer has the wrong number of bytes or elements for the operation.
    case bufferSizeMismatch(what: String, expected: Int, actual: Int)
    /// The importance vector does not hold one weight per column.
    case importanceLengthMismatch(expected: Int, actual: Int)
    /// A NaN or infinity where a block quantizer needs finite values.
    case nonFiniteValue(row: Int, column: Int)
    /// A size computed from the inputs does not fit in `Int`.
    case sizeOverflow(rows: Int, rowLength: Int, type: GGMLType)

    public var description: String {
        switch self {
        case .unsupportedType(let type):
            return "no encoder for ggml type \(type.name)"
        case .invalidRowLength(let rowLength, let blockSize, let type):
            return "row length \(rowLength) is not a positive multiple of the \(type.name) block size \(blockSize)"
        case .incompleteRow(let elementCount, let rowLength):
            return "\(elementCount) elements do not form whole rows of \(rowLength)"
        case .bufferSizeMismatch(let what, let expected, let actual):
            return "\(what): expected \(expected), got \(actual)"
        case .importanceLengthMismatch(let expected, let actual):
            return "importance vector has \(actual) weights, expected one per column (\(expected))"
        case .nonFiniteValue(let row, let column):
            return "non-finite value (NaN or infinity) at row \(row), column \(column)"
        case .sizeOverflow(let rows, let rowLength, let type):
            return "\(rows) rows of \(rowLength) \(type.name) values overflow the addressable size"
        }
    }
}
