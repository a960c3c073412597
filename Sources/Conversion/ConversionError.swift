/// Errors raised while planning or running a conversion.
public enum ConversionError: Error, CustomStringConvertible, Equatable {
    case notADirectory(path: String)
    case missingConfig(path: String)
    case unsupportedSourceDType(tensor: String, file: String, dtype: String)
    case shapeMismatch(tensor: String, file: String, expected: [Int], found: [Int])
    case missingTensor(tensor: String, directory: String)
    case duplicateTarget(ggufName: String, first: String, second: String)
    case invalidRowPermutation(tensor: String, rows: Int, heads: Int)
    case nonFiniteValue(tensor: String, file: String, row: Int, column: Int)
    case unsupportedTargetType(tensor: String, type: String)
    case outputExists(path: String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .notADirectory(path):
            return "\(path): not a model folder"
        case let .missingConfig(path):
            return "\(path): config.json not found (a Hugging Face model folder needs one)"
        case let .unsupportedSourceDType(tensor, file, dtype):
            return "\(file): tensor \(tensor): dtype \(dtype) cannot be converted (F32, F16 or BF16 expected)"
        case let .shapeMismatch(tensor, file, expected, found):
            return "\(file): tensor \(tensor): expected shape \(expected), found \(found)"
        case let .missingTensor(tensor, directory):
            return "\(directory): tensor \(tensor) is missing from the checkpoint"
        case let .duplicateTarget(name, first, second):
            return "tensors \(first) and \(second) both map to \(name)"
        case let .invalidRowPermutation(tensor, rows, heads):
            return "tensor \(tensor): \(rows) rows cannot be split into \(heads) rotary heads of even size"
        case let .nonFiniteValue(tensor, file, row, column):
            return "\(file): tensor \(tensor): non-finite value at row \(row), column \(column)"
        case let .unsupportedTargetType(tensor, type):
            return "tensor \(tensor): no encoder for type \(type)"
        case let .outputExists(path):
            return "\(path) exists (pass --force to overwrite)"
        case let .invalidOption(message):
            return message
        }
    }
}
