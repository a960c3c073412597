import Foundation
import Testing
@testable import GGUF
import TestSupport

@Suite("Writer input validation")
struct WriterValidationTests {
    struct BadDescriptor: Sendable, CustomTestStringConvertible {
        let label: String
        let descriptor: GGUFTensorDescriptor
        let problem: GGUFTensorProblem
        var testDescription: String { label }
    }

    static let badDescriptors: [BadDescriptor] = [
        BadDescriptor(label: "no dimensions", descriptor: .init(name: "t", dimensions: [], type: .f32),
                      problem: .dimensionCount(0)),
        BadDescriptor(label: "five dimensions", descriptor: .init(name: "t", dimensions: [1, 1, 1, 1, 1], type: .f32),
                      problem: .dimensionCount(5)),
        BadDescriptor(label: "zero dimension", descriptor: .init(name: "t", dimensions: [4, 0], type: .f32),
                      problem: .invalidDimension(index: 1, value: 0)),
        BadDescriptor(label: "negative dimension", descriptor: .init(name: "t", dimensions: [-4], type: .f32),
                      problem: .invalidDimension(index: 0, value: -4)),
        BadDescriptor(label: "row not whole blocks", descriptor: .init(name: "t", dimensions: [33, 2], type: .q4_0),
                      problem: .rowNotWholeBlocks(rowLength: 33, type: .q4_0, blockSize: 32)),
        BadDescriptor(label: "element count overflow",
                      descriptor: .init(name: "t", dimensions: [1 << 32, 1 << 32], type: .f32),
                      problem: .elementCountOverflow(dimensions: [1 << 32, 1 << 32])),
        BadDescriptor(label: "byte count overflow",
                      descriptor: .init(name: "t", dimensions: [1 << 31, 1 << 31], type: .f32),
                      problem: .byteCountOverflow),
        BadDescriptor(label: "name too long",
                      descriptor: .init(name: String(repeating: "n", count: 64), dimensions: [4], type: .f32),
                      problem: .nameTooLong(bytes: 64, limit: 63)),
    ]

    @Test("invalid tensor descriptors are refused before any file is created", arguments: badDescriptors)
    func badDescriptor(_ bad: BadDescriptor) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("x.gguf")
        #expect {
            try GGUFWriter(path: path, metadata: GGUFMetadata(), tensors: [bad.descriptor])
        } throws: { error in
            (error as? GGUFError) == .invalidTensorDescriptor(path: path, name: bad.descriptor.name, problem: bad.problem)
        }
        #expect(directory.entries.isEmpty)
    }

    @Test("a 63-byte name and four dimensions are accepted")
    func limitsAccepted() throws {
        let directory = try TemporaryDirectory()
        let name = String(repeating: "n", count: 63)
        let path = try writeGGUF(directory.file("ok.gguf"), metadata: GGUFMetadata(),
                                 tensors: [TestTensor(name, [2, 2, 2, 2], .f32)])
        #expect(try GGUFFile(path: path).tensors[0].name == name)
    }

    @Test("duplicate tensor names are refused")
    func duplicateNames() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("x.gguf")
        let descriptor = GGUFTensorDescriptor(name: "same", dimensions: [4], type: .f32)
        #expect {
            try GGUFWriter(path: path, metadata: GGUFMetadata(), tensors: [descriptor, descriptor])
        } throws: { ($0 as? GGUFError) == .duplicateTensorDescriptor(path: path, name: "same") }
    }

    struct BadMetadata: Sendable, CustomTestStringConvertible {
        let label: String
        let key: String
        let value: GGUFValue
        var testDescription: String { label }
    }

    static let badMetadata: [BadMetadata] = [
        BadMetadata(label: "empty key", key: "", value: .uint8(1)),
        BadMetadata(label: "mistyped element", key: "k", value: .array(.int32, [.int32(1), .uint8(2)])),
        BadMetadata(label: "mistyped inner element", key: "k", value: .array(.array, [.array(.int8, [.uint8(2)])])),
        BadMetadata(label: "non-array in array of arrays", key: "k", value: .array(.array, [.uint8(2)])),
        BadMetadata(label: "arrays nested two deep", key: "k",
                    value: .array(.array, [.array(.array, [.array(.uint8, [])])])),
        BadMetadata(label: "alignment not a power of two", key: GGUFKey.alignment, value: .uint32(48)),
        BadMetadata(label: "alignment zero", key: GGUFKey.alignment, value: .uint32(0)),
        BadMetadata(label: "alignment not uint32", key: GGUFKey.alignment, value: .uint64(64)),
    ]

    @Test("metadata that cannot be written is refused", arguments: badMetadata)
    func badMetadataValue(_ bad: BadMetadata) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("x.gguf")
        #expect {
            try GGUFWriter(path: path, metadata: GGUFMetadata([(bad.key, bad.value)]), tensors: [])
        } throws: { error in
            guard case let .invalidMetadata(errorPath, key, _) = error as? GGUFError else { return false }
            return errorPath == path && key == bad.key
        }
        #expect(directory.entries.isEmpty)
    }
}
