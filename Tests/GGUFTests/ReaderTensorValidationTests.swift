import Foundation
import Testing
@testable import GGUF
import TestSupport

/// Hostile or corrupt tensor infos: each must be refused with its specific error, naming
/// the file and the byte offset of the bad field.
@Suite("Reader validation: tensor infos")
struct ReaderTensorValidationTests {
    // MARK: Tensor infos

    /// A file with one alignment key, then the given tensor infos, padded, then `dataBytes` zeros.
    static func tensorFile(_ infos: [(String, [UInt64], UInt32, UInt64)], dataBytes: Int,
                           alignment: UInt32 = 32) -> (bytes: [UInt8], infoOffsets: [Int]) {
        var raw = RawGGUF(tensorCount: UInt64(infos.count), keyValueCount: 1)
        raw.keyValue(GGUFKey.alignment, uint32: alignment)
        var offsets: [Int] = []
        for (name, dimensions, type, offset) in infos {
            offsets.append(raw.count)
            raw.tensorInfo(name, dimensions: dimensions, type: type, offset: offset)
        }
        raw.pad(to: Int(alignment))
        raw.zeros(dataBytes)
        return (raw.bytes, offsets)
    }

    @Test("a valid hand-made file is accepted, so the cases below fail for their own reason")
    func handMadeBaseline() throws {
        let directory = try TemporaryDirectory()
        let (bytes, _) = Self.tensorFile([("a", [8], 0, 0), ("b", [32, 2], 8, 32)], dataBytes: 32 + 68)
        let file = try GGUFFile(path: directory.write("ok.gguf", bytes: bytes))
        #expect(file.tensors.map(\.type) == [.f32, .q8_0])
        #expect(file.tensors[1].byteCount == 68)
    }

    @Test("duplicate tensor names are refused")
    func duplicateTensorName() throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", [8], 0, 0), ("t", [8], 0, 32)], dataBytes: 64)
        let error = try readError(bytes, in: directory)
        #expect(error == .duplicateTensorName(path: directory.file("input.gguf"), offset: offsets[1], name: "t"))
    }

    @Test("a dimension count of 0 or more than 4 is refused", arguments: [0, 5, 1000])
    func dimensionCount(count: Int) throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", Array(repeating: 1, count: count), 0, 0)], dataBytes: 64)
        let error = try readError(bytes, in: directory)
        let nameLength = 8 + 1
        #expect(error == .invalidTensor(path: directory.file("input.gguf"), offset: offsets[0] + nameLength,
                                        name: "t", problem: .dimensionCount(count)))
    }

    @Test("a zero or negative (as int64) dimension is refused",
          arguments: [(UInt64(0), Int64(0)), (.max, -1), (1 << 63, .min)])
    func invalidDimension(raw: UInt64, asSigned: Int64) throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", [4, raw], 0, 0)], dataBytes: 64)
        let error = try readError(bytes, in: directory)
        let secondDimension = offsets[0] + 9 + 4 + 8
        #expect(error == .invalidTensor(path: directory.file("input.gguf"), offset: secondDimension, name: "t",
                                        problem: .invalidDimension(index: 1, value: asSigned)))
    }

    @Test("an element or byte count that overflows is refused")
    func countOverflow() throws {
        let directory = try TemporaryDirectory()
        let (elements, offsets) = Self.tensorFile([("t", [1 << 32, 1 << 32], 0, 0)], dataBytes: 64)
        #expect(try readError(elements, in: directory) == .invalidTensor(
            path: directory.file("input.gguf"), offset: offsets[0], name: "t",
            problem: .elementCountOverflow(dimensions: [1 << 32, 1 << 32])))
        let (bytes, _) = Self.tensorFile([("t", [1 << 31, 1 << 31], 0, 0)], dataBytes: 64)
        #expect(try readError(bytes, in: directory) == .invalidTensor(
            path: directory.file("input.gguf"), offset: offsets[0], name: "t", problem: .byteCountOverflow))
    }

    @Test("an unknown or retired ggml type is refused", arguments: [UInt32(4), 5, 31, 36, 99, .max])
    func unknownTensorType(rawType: UInt32) throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", [32], rawType, 0)], dataBytes: 256)
        let error = try readError(bytes, in: directory)
        #expect(error == .unknownTensorType(path: directory.file("input.gguf"), offset: offsets[0] + 9 + 4 + 8,
                                            name: "t", rawType: rawType))
    }

    @Test("a row length that is not a whole number of blocks is refused",
          arguments: [(GGMLType.q4_0, UInt64(33)), (.q4_K, 32), (.q8_0, 16)])
    func rowNotWholeBlocks(type: GGMLType, rowLength: UInt64) throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", [rowLength, 2], type.rawValue, 0)], dataBytes: 1024)
        let error = try readError(bytes, in: directory)
        #expect(error == .invalidTensor(path: directory.file("input.gguf"), offset: offsets[0], name: "t",
                                        problem: .rowNotWholeBlocks(rowLength: Int(rowLength), type: type,
                                                                    blockSize: type.blockSize)))
    }

    @Test("a tensor name longer than ggml allows is refused")
    func nameTooLong() throws {
        let directory = try TemporaryDirectory()
        let name = String(repeating: "x", count: 64)
        let (bytes, offsets) = Self.tensorFile([(name, [8], 0, 0)], dataBytes: 32)
        let error = try readError(bytes, in: directory)
        #expect(error == .invalidTensor(path: directory.file("input.gguf"), offset: offsets[0], name: name,
                                        problem: .nameTooLong(bytes: 64, limit: 63)))
    }

    @Test("a tensor offset that is not a multiple of the alignment is refused",
          arguments: [(UInt32(32), UInt64(16)), (64, 32), (8, 4)])
    func misalignedOffset(alignment: UInt32, offset: UInt64) throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", [8], 0, offset)], dataBytes: 128, alignment: alignment)
        let error = try readError(bytes, in: directory)
        #expect(error == .misalignedTensorOffset(path: directory.file("input.gguf"), offset: offsets[0] + 9 + 4 + 8 + 4,
                                                 name: "t", tensorOffset: offset, alignment: Int(alignment)))
    }

    @Test("tensor data past the end of the file is refused",
          arguments: [(UInt64(0), 31), (32, 63), (1 << 40, 1 << 10), (0xFFFF_FFFF_FFFF_FFE0, 64)])
    func dataPastEnd(offset: UInt64, dataBytes: Int) throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("t", [8], 0, offset)], dataBytes: dataBytes)
        let error = try readError(bytes, in: directory)
        guard case let .tensorDataPastEnd(_, at, name, _, length, fileSize) = error else {
            Issue.record("expected tensorDataPastEnd, got \(String(describing: error))")
            return
        }
        #expect(at == offsets[0] && name == "t" && length == 32 && fileSize == bytes.count)
    }

    @Test("tensors whose data overlap are refused")
    func overlapping() throws {
        let directory = try TemporaryDirectory()
        let (bytes, offsets) = Self.tensorFile([("a", [16], 0, 0), ("b", [8], 0, 32), ("c", [8], 0, 96)],
                                               dataBytes: 128)
        let error = try readError(bytes, in: directory)
        #expect(error == .overlappingTensors(path: directory.file("input.gguf"), offset: offsets[1], name: "b",
                                             other: "a"))
    }
}
