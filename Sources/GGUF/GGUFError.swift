/// Everything that can go wrong reading or writing a GGUF file.
///
/// Reader cases name the file and the absolute byte offset of the offending field, so a
/// corrupt or hostile file can be diagnosed with a hex dump. Writer cases name the output
/// path and the tensor or key at fault.
public enum GGUFError: Error, CustomStringConvertible, Equatable {
    // MARK: Both directions

    /// Opening, mapping, writing or renaming failed at the operating-system level.
    case fileSystem(path: String, reason: String)

    // MARK: Reader: header

    case badMagic(path: String, found: [UInt8])
    case unsupportedVersion(path: String, offset: Int, version: UInt32)
    /// The file ends before a field that must be there.
    case truncated(path: String, offset: Int, needed: Int, what: String)
    /// A count in the file is larger than the remaining bytes could possibly hold.
    case countTooLarge(path: String, offset: Int, what: String, count: UInt64, remainingBytes: Int)

    // MARK: Reader: metadata

    case stringPastEnd(path: String, offset: Int, length: UInt64, fileSize: Int)
    case invalidUTF8(path: String, offset: Int, what: String)
    case emptyKey(path: String, offset: Int)
    case duplicateKey(path: String, offset: Int, key: String)
    case unknownValueType(path: String, offset: Int, key: String, rawType: UInt32)
    /// An array of arrays of arrays: only one level of nesting is supported.
    case nestedArrayTooDeep(path: String, offset: Int, key: String)
    case arrayPastEnd(path: String, offset: Int, key: String, count: UInt64, fileSize: Int)
    /// The metadata arrays hold more elements in total than ``GGUFFormat/maxMetadataElements``.
    case metadataTooLarge(path: String, offset: Int, key: String, elements: Int, limit: Int)
    /// GGUF booleans are one byte that must be 0 or 1.
    case invalidBool(path: String, offset: Int, key: String, value: UInt8)
    /// `general.alignment` is not a `uint32` holding a non-zero power of two.
    case invalidAlignment(path: String, offset: Int, value: GGUFValue)

    // MARK: Reader: tensors

    case duplicateTensorName(path: String, offset: Int, name: String)
    case invalidTensor(path: String, offset: Int, name: String, problem: GGUFTensorProblem)
    case unknownTensorType(path: String, offset: Int, name: String, rawType: UInt32)
    case misalignedTensorOffset(path: String, offset: Int, name: String, tensorOffset: UInt64, alignment: Int)
    /// `start` is the absolute file offset the tensor's data would begin at.
    case tensorDataPastEnd(path: String, offset: Int, name: String, start: UInt64, length: Int, fileSize: Int)
    case overlappingTensors(path: String, offset: Int, name: String, other: String)
    /// A part of a split model (``GGUFSplit``) is missing, misnamed, out of place or
    /// disagrees with the others.
    case splitFile(path: String, reason: String)

    // MARK: Writer

    case invalidTensorDescriptor(path: String, name: String, problem: GGUFTensorProblem)
    case duplicateTensorDescriptor(path: String, name: String)
    case invalidMetadata(path: String, key: String, reason: String)
    /// A tensor was given more or fewer bytes than its shape and type require.
    case tensorSizeMismatch(path: String, name: String, expected: Int, received: Int)
    /// Calls in the wrong order (a tensor too many, `finish` with tensors missing, use after a failure).
    case writerMisuse(path: String, reason: String)

    /// A one-line message naming the file, the offset or item, and what is wrong.
    public var description: String {
        switch self {
        case let .fileSystem(path, reason):
            return "\(path): \(reason)"
        case let .badMagic(path, found):
            let shown = found.map { (0x20 ..< 0x7F).contains($0) ? String(UnicodeScalar($0)) : "?" }.joined()
            return "\(path): not a GGUF file (magic '\(shown)' at offset 0, expected 'GGUF')"
        case let .unsupportedVersion(path, offset, version):
            if version & 0xFFFF == 0 {
                return "\(path): GGUF version \(version) at offset \(offset) looks byte-swapped; big-endian files are not supported"
            }
            return "\(path): GGUF version \(version) at offset \(offset) is not supported (versions 2 and 3 are)"
        case let .truncated(path, offset, needed, what):
            return "\(path): file ends at offset \(offset) where \(needed) bytes of \(what) were expected"
        case let .countTooLarge(path, offset, what, count, remaining):
            return "\(path): \(what) count \(count) at offset \(offset) cannot fit in the \(remaining) bytes that remain"
        case let .stringPastEnd(path, offset, length, fileSize):
            return "\(path): string of \(length) bytes at offset \(offset) runs past the end of the file (\(fileSize) bytes)"
        case let .invalidUTF8(path, offset, what):
            return "\(path): \(what) at offset \(offset) is not valid UTF-8"
        case let .emptyKey(path, offset):
            return "\(path): metadata key at offset \(offset) is empty"
        case let .duplicateKey(path, offset, key):
            return "\(path): metadata key '\(key)' at offset \(offset) appears twice"
        case let .unknownValueType(path, offset, key, rawType):
            return "\(path): metadata '\(key)' has unknown value type \(rawType) at offset \(offset)"
        case let .nestedArrayTooDeep(path, offset, key):
            return "\(path): metadata '\(key)' nests arrays more than one level deep at offset \(offset)"
        case let .arrayPastEnd(path, offset, key, count, fileSize):
            return "\(path): metadata '\(key)' array of \(count) elements at offset \(offset) runs past the end of the file (\(fileSize) bytes)"
        case let .metadataTooLarge(path, offset, key, elements, limit):
            return "\(path): metadata '\(key)' at offset \(offset) brings the array elements to \(elements), over the limit of \(limit)"
        case let .invalidBool(path, offset, key, value):
            return "\(path): metadata '\(key)' has boolean byte \(value) at offset \(offset); only 0 and 1 are valid"
        case let .invalidAlignment(path, offset, value):
            return "\(path): general.alignment at offset \(offset) is \(value.brief); it must be a uint32 power of two"
        case let .duplicateTensorName(path, offset, name):
            return "\(path): tensor name '\(name)' at offset \(offset) appears twice"
        case let .invalidTensor(path, offset, name, problem):
            return "\(path): tensor '\(name)' at offset \(offset): \(problem)"
        case let .unknownTensorType(path, offset, name, rawType):
            return "\(path): tensor '\(name)' has unknown ggml type \(rawType) at offset \(offset)"
        case let .misalignedTensorOffset(path, offset, name, tensorOffset, alignment):
            return "\(path): tensor '\(name)' data offset \(tensorOffset) (field at offset \(offset)) is not a multiple of the alignment \(alignment)"
        case let .tensorDataPastEnd(path, offset, name, start, length, fileSize):
            return "\(path): tensor '\(name)' (info at offset \(offset)) has \(length) bytes at offset \(start), past the end of the file (\(fileSize) bytes)"
        case let .overlappingTensors(path, offset, name, other):
            return "\(path): tensor '\(name)' (info at offset \(offset)) overlaps the data of tensor '\(other)'"
        case let .splitFile(path, reason):
            return "\(path): \(reason)"
        case let .invalidTensorDescriptor(path, name, problem):
            return "\(path): cannot write tensor '\(name)': \(problem)"
        case let .duplicateTensorDescriptor(path, name):
            return "\(path): tensor '\(name)' is listed twice"
        case let .invalidMetadata(path, key, reason):
            return "\(path): cannot write metadata '\(key)': \(reason)"
        case let .tensorSizeMismatch(path, name, expected, received):
            return "\(path): tensor '\(name)' needs exactly \(expected) bytes but was given \(received)"
        case let .writerMisuse(path, reason):
            return "\(path): \(reason)"
        }
    }
}
