import Foundation
import Testing
@testable import GGUF
import TestSupport

/// Hostile or corrupt headers and metadata: each must be refused with its specific error,
/// naming the file and the byte offset of the bad field.
@Suite("Reader validation: header and metadata")
struct ReaderMetadataValidationTests {
    // MARK: Header

    @Test("a file not starting with GGUF is refused")
    func badMagic() throws {
        let directory = try TemporaryDirectory()
        let bytes = RawGGUF(magic: Array("GGML".utf8), tensorCount: 0, keyValueCount: 0).bytes
        let error = try readError(bytes, in: directory)
        #expect(error == .badMagic(path: directory.file("input.gguf"), found: Array("GGML".utf8)))
    }

    @Test("versions other than 2 and 3 are refused", arguments: [UInt32(0), 1, 4, 0x0300_0000])
    func unsupportedVersion(version: UInt32) throws {
        let directory = try TemporaryDirectory()
        let error = try readError(RawGGUF(version: version, tensorCount: 0, keyValueCount: 0).bytes, in: directory)
        #expect(error == .unsupportedVersion(path: directory.file("input.gguf"), offset: 4, version: version))
        if version == 0x0300_0000 { #expect(error?.description.contains("big-endian") == true) }
    }

    @Test("an empty or missing file is refused")
    func emptyAndMissing() throws {
        let directory = try TemporaryDirectory()
        let error = try readError([], in: directory)
        #expect(error == .truncated(path: directory.file("input.gguf"), offset: 0, needed: 4, what: "magic"))
        let missing = directory.file("missing.gguf")
        #expect { try GGUFFile(path: missing) } throws: { error in
            guard case let .fileSystem(path, _) = error as? GGUFError else { return false }
            return path == missing
        }
    }

    @Test("a key-value count the file cannot hold is refused before allocating",
          arguments: [UInt64(3), 1 << 40, .max])
    func absurdKeyValueCount(count: UInt64) throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: count)
        raw.zeros(30) // room for two 12-byte pairs, not three
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .countTooLarge(path: directory.file("input.gguf"), offset: 16, what: "metadata key-value",
                                        count: count, remainingBytes: 30))
    }

    @Test("a tensor count the file cannot hold is refused before allocating", arguments: [UInt64(2), 1 << 50, .max])
    func absurdTensorCount(count: UInt64) throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: count, keyValueCount: 0)
        raw.zeros(47) // room for one 24-byte tensor info, not two
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .countTooLarge(path: directory.file("input.gguf"), offset: 8, what: "tensor",
                                        count: count, remainingBytes: 47))
    }

    // MARK: Metadata

    @Test("a string longer than the rest of the file is refused", arguments: [UInt64(100), 1 << 62, .max])
    func stringPastEnd(length: UInt64) throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.u64(length)
        raw.zeros(20)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .stringPastEnd(path: directory.file("input.gguf"), offset: 24, length: length,
                                        fileSize: raw.count))
    }

    @Test("invalid UTF-8 in a key, a string value or a tensor name is refused", arguments: ["key", "value", "tensor"])
    func invalidUTF8(place: String) throws {
        let directory = try TemporaryDirectory()
        let bad: [UInt8] = [0x61, 0xC3, 0x28] // truncated two-byte sequence
        var raw = RawGGUF(tensorCount: place == "tensor" ? 1 : 0, keyValueCount: 1)
        var expectedOffset = 32
        switch place {
        case "key":
            raw.rawString(bad)
            raw.u32(GGUFValueType.uint8.rawValue)
            raw.u8(0)
        case "value":
            raw.string("k")
            raw.u32(GGUFValueType.string.rawValue)
            expectedOffset = raw.count + 8
            raw.rawString(bad)
        default:
            raw.keyValue("k", uint32: 0)
            expectedOffset = raw.count + 8
            raw.rawString(bad)
            raw.u32(1)
            raw.u64(4)
            raw.u32(0)
            raw.u64(0)
            raw.pad(to: 32)
            raw.zeros(16)
        }
        let error = try readError(raw.bytes, in: directory)
        guard case let .invalidUTF8(_, offset, _) = error else {
            Issue.record("expected invalidUTF8, got \(String(describing: error))")
            return
        }
        #expect(offset == expectedOffset)
    }

    @Test("an unknown value type is refused, also as an array element type", arguments: [false, true])
    func unknownValueType(inArray: Bool) throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.string("weird")
        if inArray { raw.u32(GGUFValueType.array.rawValue) }
        let typeOffset = raw.count
        raw.u32(13)
        raw.zeros(16)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .unknownValueType(path: directory.file("input.gguf"), offset: typeOffset, key: "weird",
                                           rawType: 13))
    }

    @Test("arrays nested more than one level deep are refused")
    func nestedTooDeep() throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.string("deep")
        raw.u32(GGUFValueType.array.rawValue)
        raw.u32(GGUFValueType.array.rawValue) // array of arrays
        raw.u64(1)
        let innerOffset = raw.count
        raw.u32(GGUFValueType.array.rawValue) // whose element is an array of arrays
        raw.u64(1)
        raw.u32(GGUFValueType.uint8.rawValue)
        raw.u64(0)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .nestedArrayTooDeep(path: directory.file("input.gguf"), offset: innerOffset, key: "deep"))
    }

    @Test("an array count past the end of the file is refused before allocating",
          arguments: [(GGUFValueType.uint32, UInt64(5)), (.uint8, 1 << 40), (.string, .max), (.array, 2)])
    func arrayPastEnd(elementType: GGUFValueType, count: UInt64) throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.string("arr")
        raw.u32(GGUFValueType.array.rawValue)
        let arrayOffset = raw.count
        raw.u32(elementType.rawValue)
        raw.u64(count)
        raw.zeros(16) // four uint32s, two strings' lengths, or one array header
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .arrayPastEnd(path: directory.file("input.gguf"), offset: arrayOffset, key: "arr",
                                       count: count, fileSize: raw.count))
    }

    @Test("metadata arrays with more elements in total than the limit are refused before decoding")
    func metadataTooLarge() throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 2)
        raw.string("small")
        raw.u32(GGUFValueType.array.rawValue)
        raw.u32(GGUFValueType.uint8.rawValue)
        raw.u64(2)
        raw.zeros(2)
        raw.string("big")
        raw.u32(GGUFValueType.array.rawValue)
        let arrayOffset = raw.count
        raw.u32(GGUFValueType.uint8.rawValue)
        raw.u64(UInt64(GGUFFormat.maxMetadataElements - 1))
        raw.zeros(GGUFFormat.maxMetadataElements - 1)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .metadataTooLarge(path: directory.file("input.gguf"), offset: arrayOffset, key: "big",
                                           elements: GGUFFormat.maxMetadataElements + 1,
                                           limit: GGUFFormat.maxMetadataElements))
    }

    @Test("a value cut off by the end of the file is reported as truncated")
    func truncatedValue() throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.string("k")
        raw.u32(GGUFValueType.uint64.rawValue)
        raw.zeros(3)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .truncated(path: directory.file("input.gguf"), offset: 37, needed: 8, what: "value of 'k'"))
    }

    @Test("a duplicate key is refused at the second entry")
    func duplicateKey() throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 2)
        raw.keyValue("same", uint32: 1)
        let second = raw.count
        raw.keyValue("same", uint32: 2)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .duplicateKey(path: directory.file("input.gguf"), offset: second, key: "same"))
    }

    @Test("an empty key is refused")
    func emptyKey() throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.keyValue("", uint32: 1)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .emptyKey(path: directory.file("input.gguf"), offset: 24))
    }

    @Test("a boolean byte other than 0 or 1 is refused")
    func invalidBool() throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 1)
        raw.string("flag")
        raw.u32(GGUFValueType.bool.rawValue)
        let valueOffset = raw.count
        raw.u8(2)
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .invalidBool(path: directory.file("input.gguf"), offset: valueOffset, key: "flag", value: 2))
    }

    @Test("an alignment that is not a uint32 power of two is refused",
          arguments: [GGUFValue.uint32(48), .uint32(0), .uint64(32), .int32(32)])
    func invalidAlignment(value: GGUFValue) throws {
        let directory = try TemporaryDirectory()
        var raw = RawGGUF(tensorCount: 0, keyValueCount: 2)
        raw.keyValue("first", uint32: 0)
        let entry = raw.count
        raw.string(GGUFKey.alignment)
        raw.u32(value.type.rawValue)
        switch value {
        case let .uint32(v): raw.u32(v)
        case let .int32(v): raw.u32(UInt32(bitPattern: v))
        case let .uint64(v): raw.u64(v)
        default: break
        }
        let error = try readError(raw.bytes, in: directory)
        #expect(error == .invalidAlignment(path: directory.file("input.gguf"), offset: entry, value: value))
    }
}
