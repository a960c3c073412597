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
    /// The file type puts `tensor` in a type that llama-quantize writes only with an importance matrix.
    case importanceMatrixRequired(tensor: String, type: String)
    case outputExists(path: String)
    case invalidOption(String)
    case passRequiresFullPrecision(pass: String, source: String)
    case passBrokeContract(pass: String, change: String)
    case importanceMissing(tensor: String, type: String)
    /// Tensors planned as F16 hold finite values that F16 would store as infinity.
    case valuesOutsideF16Range(tensors: [String], largest: Float)
    /// The temporary file that holds values computed by passes could not be created or written.
    case scratchFailed(directory: String, reason: String)

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
        case let .importanceMatrixRequired(tensor, type):
            return "this quantization requires an importance matrix (offending tensor: \(tensor), target type: \(type)); "
                + "give one with --imatrix FILE, or compute it with --calibration PATH|default"
        case let .outputExists(path):
            return "\(path) exists (pass --force to overwrite)"
        case let .invalidOption(message):
            return message
        case let .passRequiresFullPrecision(pass, source):
            return "\(source): \(pass) needs F32, F16 or BF16 weights, but the model is quantized "
                + "(start from the Hugging Face folder or an F16 GGUF)"
        case let .importanceMissing(tensor, type):
            return "tensor \(tensor): the importance matrix has no entry for it, and \(type) in this file type "
                + "needs one"
        case let .valuesOutsideF16Range(tensors, largest):
            let shown = tensors.prefix(8).joined(separator: ", ") + (tensors.count > 8 ? ", ..." : "")
            return "\(tensors.count) tensor\(tensors.count == 1 ? " holds" : "s hold") values outside F16's range (±65504; "
                + "largest magnitude \(largest)) that F16 would store as infinity: \(shown); "
                + "use --type bf16 (or f32), which keeps them"
        case let .scratchFailed(directory, reason):
            return "\(directory): cannot write the temporary file for values computed by passes: \(reason)"
        case let .passBrokeContract(pass, change):
            return "internal error: pass \(pass) changed \(change), which it does not declare"
        }
    }
}
