import Foundation
import Testing
@testable import GGUF
import TestSupport

/// One value of every GGUF value type, including edge values, empty arrays of every
/// element type and one level of array nesting.
let everyValueKind: [(String, GGUFValue)] = [
    ("test.uint8", .uint8(.max)),
    ("test.int8", .int8(.min)),
    ("test.uint16", .uint16(.max)),
    ("test.int16", .int16(.min)),
    ("test.uint32", .uint32(.max)),
    ("test.int32", .int32(.min)),
    ("test.uint64", .uint64(.max)),
    ("test.int64", .int64(.min)),
    ("test.float32", .float32(-1.5e-7)),
    ("test.float32.infinity", .float32(.infinity)),
    ("test.float32.subnormal", .float32(.leastNonzeroMagnitude)),
    ("test.float64", .float64(3.141592653589793)),
    ("test.bool.true", .bool(true)),
    ("test.bool.false", .bool(false)),
    ("test.string", .string("hello, GGUF")),
    ("test.string.empty", .string("")),
    ("test.string.unicode", .string("Grüße ▁the 日本 🦙\n\t\"quoted\"")),
    ("test.array.uint8", .array(.uint8, [.uint8(0), .uint8(255)])),
    ("test.array.int8", .array(.int8, [.int8(-128), .int8(127)])),
    ("test.array.uint16", .array(.uint16, [.uint16(1), .uint16(65535)])),
    ("test.array.int16", .array(.int16, [.int16(-32768)])),
    ("test.array.uint32", .array(.uint32, [.uint32(1), .uint32(2), .uint32(3)])),
    ("test.array.int32", .int32s([-1, 0, 1, .max])),
    ("test.array.uint64", .array(.uint64, [.uint64(.max), .uint64(0)])),
    ("test.array.int64", .array(.int64, [.int64(.min), .int64(.max)])),
    ("test.array.float32", .float32s([0, -0.0, 1.25, -3e38])),
    ("test.array.float64", .array(.float64, [.float64(1e-300), .float64(-2.5)])),
    ("test.array.bool", .array(.bool, [.bool(true), .bool(false), .bool(true)])),
    ("test.array.string", .strings(["<s>", "</s>", "", "▁hello", "é"])),
    ("test.array.nested", .array(.array, [.int32s([1, 2]), .strings(["a"]), .array(.float64, [])])),
    ("test.empty.uint8", .array(.uint8, [])),
    ("test.empty.int8", .array(.int8, [])),
    ("test.empty.uint16", .array(.uint16, [])),
    ("test.empty.int16", .array(.int16, [])),
    ("test.empty.uint32", .array(.uint32, [])),
    ("test.empty.int32", .array(.int32, [])),
    ("test.empty.uint64", .array(.uint64, [])),
    ("test.empty.int64", .array(.int64, [])),
    ("test.empty.float32", .array(.float32, [])),
    ("test.empty.float64", .array(.float64, [])),
    ("test.empty.bool", .array(.bool, [])),
    ("test.empty.string", .array(.string, [])),
    ("test.empty.array", .array(.array, [])),
]

@Suite("Metadata round trip")
struct MetadataRoundTripTests {
    @Test("every value type, empty arrays and string arrays read back identically and in order")
    func everyValueType() throws {
        let directory = try TemporaryDirectory()
        let metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama"))] + everyValueKind)
        let path = try writeGGUF(directory.file("values.gguf"), metadata: metadata, tensors: [])

        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file.metadata == metadata)
        #expect(file.metadata.keys == metadata.keys)
        for (key, value) in metadata {
            #expect(file.metadata[key] == value, "\(key)")
            #expect(file.metadata[key]?.type == value.type, "\(key)")
        }
        #expect(file.tensors.isEmpty)
    }

    @Test("a NaN float keeps its exact bit pattern")
    func nanBitPattern() throws {
        let directory = try TemporaryDirectory()
        let nan = Float(bitPattern: 0x7FC0_1234)
        let metadata = GGUFMetadata([("test.nan", .float32(nan)), ("test.nan64", .float64(-.nan))])
        let file = try GGUFFile(path: writeGGUF(directory.file("nan.gguf"), metadata: metadata, tensors: []))
        guard case let .float32(read) = file.metadata["test.nan"], case let .float64(read64) = file.metadata["test.nan64"] else {
            Issue.record("values missing")
            return
        }
        #expect(read.bitPattern == nan.bitPattern)
        #expect(read64.bitPattern == (-Double.nan).bitPattern)
    }

    @Test("a large tokenizer-sized string array round-trips")
    func largeStringArray() throws {
        let directory = try TemporaryDirectory()
        let tokens = (0 ..< 50_000).map { "tok\($0)▁" }
        let metadata = GGUFMetadata([(GGUFKey.tokenizerTokens, .strings(tokens)),
                                     (GGUFKey.tokenizerScores, .float32s(tokens.indices.map { -Float($0) }))])
        let file = try GGUFFile(path: writeGGUF(directory.file("tokens.gguf"), metadata: metadata, tensors: []))
        #expect(file.metadata[GGUFKey.tokenizerTokens]?.arrayValue?.compactMap(\.stringValue) == tokens)
        #expect(file.metadata[GGUFKey.tokenizerScores]?.arrayValue?.count == tokens.count)
    }

    @Test("the encoding of each value type matches the GGUF spec byte for byte")
    func exactEncoding() throws {
        let directory = try TemporaryDirectory()
        let metadata = GGUFMetadata([("k", .array(.array, [.array(.uint8, [.uint8(7)])])), ("b", .bool(true))])
        let bytes = try readBytes(writeGGUF(directory.file("exact.gguf"), metadata: metadata, tensors: []))
        var expected = RawGGUF(tensorCount: 0, keyValueCount: 2)
        expected.string("k")
        expected.u32(9) // array
        expected.u32(9) // of arrays
        expected.u64(1)
        expected.u32(0) // of uint8
        expected.u64(1)
        expected.u8(7)
        expected.string("b")
        expected.u32(7)
        expected.u8(1)
        expected.pad(to: 32)
        #expect(bytes == expected.bytes)
    }
}
