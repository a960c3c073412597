/// Everything that can go wrong reading or writing safetensors files and checkpoints.
///
/// `offset` is always an absolute byte offset in the named file: for header problems it
/// points at the offending JSON text (the tensor's key for per-tensor problems), so a
/// hex dump of the file shows the culprit directly.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    // Opening and framing
    case cannotOpen(path: String, reason: String)
    case fileTooShort(path: String, size: Int)
    case headerLargerThanFile(path: String, headerLength: UInt64, fileSize: Int)
    case headerTooLarge(path: String, headerLength: UInt64, limit: Int)
    case headerNotUTF8(path: String, offset: Int)
    case headerNotJSON(path: String, offset: Int, reason: String)
    case headerNotObject(path: String, offset: Int)

    // Header entries
    case invalidMetadata(path: String, key: String, offset: Int, reason: String)
    case duplicateTensorName(path: String, tensor: String, offset: Int)
    case tensorEntryNotObject(path: String, tensor: String, offset: Int, found: String)
    case missingField(path: String, tensor: String, field: String, offset: Int)
    case invalidField(path: String, tensor: String, field: String, offset: Int, reason: String)
    case unknownDType(path: String, tensor: String, dtype: String, offset: Int)
    case invalidShape(path: String, tensor: String, dimension: Int, value: String, offset: Int)
    case elementCountOverflow(path: String, tensor: String, shape: [Int], offset: Int)
    case dataOffsetsReversed(path: String, tensor: String, begin: Int, end: Int, offset: Int)
    case dataOutOfBounds(path: String, tensor: String, begin: Int, end: Int, dataSize: Int, offset: Int)
    case byteCountMismatch(path: String, tensor: String, expected: Int, actual: Int, offset: Int)
    /// `offset` is where `second`'s data starts, inside `first`'s data.
    case overlappingTensors(path: String, first: String, second: String, offset: Int)

    // Checkpoints
    case notADirectory(path: String)
    case noSafeTensorsFiles(directory: String)
    case indexMalformed(path: String, offset: Int, reason: String)
    case invalidShardName(indexPath: String, shard: String, tensor: String)
    case missingShard(path: String, indexPath: String, tensor: String)
    case tensorMissingFromShard(tensor: String, shardPath: String, indexPath: String)
    case tensorInTwoShards(tensor: String, firstPath: String, secondPath: String)
    case tensorNotFound(name: String, location: String)

    // Writing
    case invalidTensorToWrite(path: String, tensor: String, reason: String)
    case duplicateTensorToWrite(path: String, tensor: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open: \(reason)"
        case let .fileTooShort(path, size):
            return "\(path): \(size) bytes is too short for a safetensors file (the header length alone takes 8)"
        case let .headerLargerThanFile(path, length, size):
            return "\(path): header length \(length) at offset 0 runs past the end of the file (\(size) bytes)"
        case let .headerTooLarge(path, length, limit):
            return "\(path): header length \(length) at offset 0 exceeds the \(limit)-byte limit"
        case let .headerNotUTF8(path, offset):
            return "\(path): header is not valid UTF-8 at offset \(offset)"
        case let .headerNotJSON(path, offset, reason):
            return "\(path): header is not valid JSON at offset \(offset): \(reason)"
        case let .headerNotObject(path, offset):
            return "\(path): header at offset \(offset) is not a JSON object"
        case let .invalidMetadata(path, key, offset, reason):
            return "\(path): __metadata__ entry '\(key)' at offset \(offset): \(reason)"
        case let .duplicateTensorName(path, tensor, offset):
            return "\(path): tensor '\(tensor)' is listed a second time at offset \(offset)"
        case let .tensorEntryNotObject(path, tensor, offset, found):
            return "\(path): entry for tensor '\(tensor)' at offset \(offset) is \(found), not an object"
        case let .missingField(path, tensor, field, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset) has no '\(field)' field"
        case let .invalidField(path, tensor, field, offset, reason):
            return "\(path): tensor '\(tensor)' at offset \(offset): field '\(field)' \(reason)"
        case let .unknownDType(path, tensor, dtype, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset) has unsupported dtype '\(dtype)'"
        case let .invalidShape(path, tensor, dimension, value, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset): shape dimension \(dimension) is \(value), "
                + "not a non-negative integer"
        case let .elementCountOverflow(path, tensor, shape, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset): shape \(shape) has too many elements"
        case let .dataOffsetsReversed(path, tensor, begin, end, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset): data_offsets [\(begin), \(end)] end before they begin"
        case let .dataOutOfBounds(path, tensor, begin, end, size, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset): data_offsets [\(begin), \(end)] lie outside "
                + "the \(size)-byte data section"
        case let .byteCountMismatch(path, tensor, expected, actual, offset):
            return "\(path): tensor '\(tensor)' at offset \(offset): shape and dtype need \(expected) bytes "
                + "but data_offsets span \(actual)"
        case let .overlappingTensors(path, first, second, offset):
            return "\(path): data of tensor '\(second)' starting at offset \(offset) overlaps tensor '\(first)'"
        case let .notADirectory(path):
            return "\(path): not a directory"
        case let .noSafeTensorsFiles(directory):
            return "\(directory): contains no .safetensors files"
        case let .indexMalformed(path, offset, reason):
            return "\(path): malformed index at offset \(offset): \(reason)"
        case let .invalidShardName(indexPath, shard, tensor):
            return "\(indexPath): shard name '\(shard)' for tensor '\(tensor)' is not a plain file name"
        case let .missingShard(path, indexPath, tensor):
            return "\(path): shard is missing (named in \(indexPath) for tensor '\(tensor)')"
        case let .tensorMissingFromShard(tensor, shardPath, indexPath):
            return "\(shardPath): has no tensor '\(tensor)', which \(indexPath) places there"
        case let .tensorInTwoShards(tensor, first, second):
            return "tensor '\(tensor)' is stored in both \(first) and \(second)"
        case let .tensorNotFound(name, location):
            return "\(location): no tensor named '\(name)'"
        case let .invalidTensorToWrite(path, tensor, reason):
            return "\(path): cannot write tensor '\(tensor)': \(reason)"
        case let .duplicateTensorToWrite(path, tensor):
            return "\(path): tensor '\(tensor)' was added twice"
        case let .cannotWrite(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
