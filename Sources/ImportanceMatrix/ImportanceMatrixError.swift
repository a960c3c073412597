import GGUF

/// Everything that can go wrong reading, writing or applying an importance matrix.
///
/// File cases name the file and the tensor; cases from the legacy `.dat` format also name
/// the absolute byte offset of the offending field, so a corrupt file can be diagnosed with
/// a hex dump. ``description`` is one line, ready for a command-line error message.
public enum ImportanceMatrixError: Error, CustomStringConvertible, Equatable {
    // MARK: Both formats

    /// Opening or mapping the file failed at the operating-system level.
    case fileSystem(path: String, reason: String)
    /// The GGUF container itself is malformed, or the GGUF writer refused the output.
    case container(GGUFError)
    /// The file has no entries (llama.cpp refuses such files too).
    case noEntries(path: String)
    /// A sum of squared activations is NaN, infinite or negative; `offset` is the value's absolute file offset.
    case invalidValue(path: String, tensor: String, offset: Int, index: Int, value: Float)
    /// A token count is NaN, infinite, negative or too large for llama.cpp's 64-bit integer counts.
    case invalidCount(path: String, tensor: String, offset: Int, index: Int, value: Float)

    // MARK: GGUF format

    /// `general.type` names some other kind of GGUF file (a model, an adapter).
    case notAnImportanceMatrix(path: String, generalType: String)
    /// One of the keys llama-quantize requires (`imatrix.datasets`, `imatrix.chunk_count`,
    /// `imatrix.chunk_size`) is absent.
    case missingMetadata(path: String, key: String)
    /// A key has the wrong type or an out-of-range value.
    case invalidMetadata(path: String, key: String, found: String, expected: String)
    /// `<entry>.in_sum2` without `<entry>.counts`, or the other way round.
    case missingPartner(path: String, tensor: String, missing: String)
    /// A sums or counts tensor is not F32.
    case wrongTensorType(path: String, tensor: String, type: String)
    /// The sums tensor is not `[columns, matrices]` for the `[1, matrices]` counts tensor.
    case shapeMismatch(path: String, entry: String, sums: [Int], counts: [Int])

    // MARK: Legacy .dat format

    /// The file ends before a fixed-size field.
    case truncated(path: String, offset: Int, needed: Int, what: String)
    /// A length or count field is out of range (negative, zero where data is required).
    case invalidField(path: String, offset: Int, what: String, value: Int64)
    /// A length field (at `offset`) claims more bytes than remain in the file.
    case pastEnd(path: String, offset: Int, what: String, length: Int, fileSize: Int)
    /// A name or dataset string is not valid UTF-8 or contains a NUL byte.
    case invalidString(path: String, offset: Int, what: String)
    /// Two entries have the same tensor name.
    case duplicateEntry(path: String, offset: Int, tensor: String)
    /// Bytes follow the dataset name, where the format ends.
    case trailingBytes(path: String, offset: Int, count: Int)

    // MARK: In memory

    /// An ``ImportanceMatrix/Entry`` was given inconsistent sizes or invalid values.
    case invalidEntry(reason: String)
    /// The matrix cannot be written as it stands (no entries, an empty name, counts out of range).
    case cannotWrite(path: String, reason: String)
    /// The entry for `tensor` has a different number of values than the tensor needs.
    case sizeMismatch(tensor: String, importance: Int, expected: Int)

    public var description: String {
        switch self {
        case let .fileSystem(path, reason):
            return "\(path): \(reason)"
        case let .container(error):
            return error.description
        case let .noEntries(path):
            return "\(path): the importance matrix has no entries"
        case let .invalidValue(path, tensor, offset, index, value):
            return "\(path): importance sum \(index) of '\(tensor)' at offset \(offset) is \(value); sums of squares must be finite and non-negative"
        case let .invalidCount(path, tensor, offset, index, value):
            return "\(path): token count \(index) of '\(tensor)' at offset \(offset) is \(value); counts must be finite, non-negative and below 2^63"
        case let .notAnImportanceMatrix(path, generalType):
            return "\(path): not an importance matrix (general.type is \(generalType), expected \"imatrix\")"
        case let .missingMetadata(path, key):
            return "\(path): importance matrix has no '\(key)' metadata (llama-quantize requires it)"
        case let .invalidMetadata(path, key, found, expected):
            return "\(path): metadata '\(key)' is \(found); expected \(expected)"
        case let .missingPartner(path, tensor, missing):
            return "\(path): tensor '\(tensor)' has no matching '\(missing)'"
        case let .wrongTensorType(path, tensor, type):
            return "\(path): tensor '\(tensor)' is \(type); importance-matrix tensors must be f32"
        case let .shapeMismatch(path, entry, sums, counts):
            return "\(path): entry '\(entry)': sums shape \(sums) does not fit counts shape \(counts) (expected [columns, n] and [1, n])"
        case let .truncated(path, offset, needed, what):
            return "\(path): legacy imatrix ends at offset \(offset) where \(needed) bytes of \(what) were expected"
        case let .invalidField(path, offset, what, value):
            return "\(path): legacy imatrix \(what) at offset \(offset) is \(value)"
        case let .pastEnd(path, offset, what, length, fileSize):
            return "\(path): legacy imatrix \(what) (\(length) bytes, length field at offset \(offset)) runs past the end of the file (\(fileSize) bytes)"
        case let .invalidString(path, offset, what):
            return "\(path): legacy imatrix \(what) at offset \(offset) is not valid UTF-8 or contains a NUL byte"
        case let .duplicateEntry(path, offset, tensor):
            return "\(path): legacy imatrix entry '\(tensor)' at offset \(offset) appears twice"
        case let .trailingBytes(path, offset, count):
            return "\(path): legacy imatrix has \(count) unexpected bytes at offset \(offset) after the dataset name"
        case let .invalidEntry(reason):
            return "invalid importance-matrix entry: \(reason)"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write importance matrix: \(reason)"
        case let .sizeMismatch(tensor, importance, expected):
            return "importance matrix has \(importance) values for '\(tensor)' but the tensor needs \(expected)"
        }
    }
}
