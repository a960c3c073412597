import ImportanceMatrix
import Testing
import TestSupport

@Suite("Hostile legacy .dat importance matrices")
struct HostileLegacyTests {
    /// The header and the start of one entry, up to (not including) its call count.
    static func prefix(name: String = "blk.0.attn_q.weight") -> LegacyBytes {
        var dat = LegacyBytes()
        dat.i32(1)
        dat.string(name)
        return dat
    }

    static func reject(_ dat: LegacyBytes, in directory: TemporaryDirectory) throws -> (String, ImportanceMatrixError?) {
        let path = try directory.write("imatrix.dat", bytes: dat.bytes)
        return (path, readError(path))
    }

    @Test("the entry count must be at least 1", arguments: [0, -3] as [Int32])
    func entryCount(count: Int32) throws {
        let directory = try TemporaryDirectory()
        var dat = LegacyBytes()
        dat.i32(count)
        let (path, error) = try Self.reject(dat, in: directory)
        #expect(error == .invalidField(path: path, offset: 0, what: "entry count", value: Int64(count)))
    }

    @Test("an empty or short file is truncated at the field it stops in")
    func truncatedFields() throws {
        let directory = try TemporaryDirectory()
        let (path, empty) = try Self.reject(LegacyBytes(), in: directory)
        #expect(empty == .truncated(path: path, offset: 0, needed: 4, what: "entry count"))

        let name = Self.prefix()
        let (_, noCalls) = try Self.reject(name, in: directory)
        #expect(noCalls == .truncated(path: path, offset: name.count, needed: 4, what: "call count of 'blk.0.attn_q.weight'"))

        var calls = name
        calls.i32(1)
        calls.raw([7, 0])
        let (_, halfCount) = try Self.reject(calls, in: directory)
        #expect(halfCount == .truncated(path: path, offset: name.count + 4, needed: 4,
                                        what: "value count of 'blk.0.attn_q.weight'"))

        var missingEntry = LegacyBytes()
        missingEntry.i32(2)
        missingEntry.entry("a", calls: 1, values: [1])
        let (_, second) = try Self.reject(missingEntry, in: directory)
        #expect(second == .truncated(path: path, offset: missingEntry.count, needed: 4, what: "length of name of entry 1"))
    }

    @Test("name lengths: negative, zero, or past the end", arguments: [-1, 0, 1000] as [Int32])
    func nameLength(length: Int32) throws {
        let directory = try TemporaryDirectory()
        var dat = LegacyBytes()
        dat.i32(1)
        dat.i32(length)
        dat.raw(Array("abc".utf8))
        let (path, error) = try Self.reject(dat, in: directory)
        switch length {
        case 1000:
            #expect(error == .pastEnd(path: path, offset: 4, what: "name of entry 0", length: 1000, fileSize: dat.count))
        case 0:
            #expect(error == .invalidField(path: path, offset: 4, what: "name length of entry 0", value: 0))
        default:
            #expect(error == .invalidField(path: path, offset: 4, what: "length of name of entry 0", value: Int64(length)))
        }
    }

    @Test("names must be UTF-8 without NUL bytes", arguments: [[0x61, 0xFF, 0x62], [0x61, 0x00, 0x62]] as [[UInt8]])
    func badName(bytes: [UInt8]) throws {
        let directory = try TemporaryDirectory()
        var dat = LegacyBytes()
        dat.i32(1)
        dat.i32(Int32(bytes.count))
        dat.raw(bytes)
        dat.i32(1)
        dat.i32(1)
        dat.f32(1)
        let (path, error) = try Self.reject(dat, in: directory)
        #expect(error == .invalidString(path: path, offset: 9, what: "name of entry 0"))
    }

    @Test("call and value counts must be at least 1", arguments: [(0, 1), (-2, 1), (1, 0), (1, -7)] as [(Int32, Int32)])
    func counts(calls: Int32, values: Int32) throws {
        let directory = try TemporaryDirectory()
        var dat = Self.prefix()
        let callsOffset = dat.count
        dat.i32(calls)
        dat.i32(values)
        dat.f32(1)
        let (path, error) = try Self.reject(dat, in: directory)
        if calls < 1 {
            #expect(error == .invalidField(path: path, offset: callsOffset, what: "call count of 'blk.0.attn_q.weight'",
                                           value: Int64(calls)))
        } else {
            #expect(error == .invalidField(path: path, offset: callsOffset + 4, what: "value count of 'blk.0.attn_q.weight'",
                                           value: Int64(values)))
        }
    }

    @Test("a value count larger than the file names the count's offset")
    func valuesPastEnd() throws {
        let directory = try TemporaryDirectory()
        var dat = Self.prefix()
        dat.i32(1)
        let countOffset = dat.count
        dat.i32(Int32.max)
        dat.f32(1)
        let (path, error) = try Self.reject(dat, in: directory)
        #expect(error == .pastEnd(path: path, offset: countOffset, what: "values of 'blk.0.attn_q.weight'",
                                  length: Int(Int32.max) * 4, fileSize: dat.count))
    }

    @Test("values must be finite and non-negative; the error gives the value's offset",
          arguments: [Float.nan, .infinity, -1])
    func badValues(value: Float) throws {
        let directory = try TemporaryDirectory()
        var dat = Self.prefix()
        dat.i32(2)
        dat.i32(3)
        let valuesOffset = dat.count
        for v in [1, value, 2] { dat.f32(v) }
        let (path, error) = try Self.reject(dat, in: directory)
        guard case let .invalidValue(errorPath, tensor, offset, index, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(errorPath == path && tensor == "blk.0.attn_q.weight" && offset == valuesOffset + 4 && index == 1)
    }

    @Test("two entries with one name")
    func duplicate() throws {
        let directory = try TemporaryDirectory()
        var dat = LegacyBytes()
        dat.i32(2)
        dat.entry("output.weight", calls: 1, values: [1])
        let second = dat.count
        dat.entry("output.weight", calls: 1, values: [2])
        let (path, error) = try Self.reject(dat, in: directory)
        #expect(error == .duplicateEntry(path: path, offset: second, tensor: "output.weight"))
    }

    @Test("trailer problems: partial chunk count, negative fields, dataset past the end, bytes after it")
    func trailer() throws {
        let directory = try TemporaryDirectory()
        var entries = LegacyBytes()
        entries.i32(1)
        entries.entry("output.weight", calls: 1, values: [1])
        let end = entries.count

        var partial = entries
        partial.raw([1, 0])
        let (path, partialError) = try Self.reject(partial, in: directory)
        #expect(partialError == .truncated(path: path, offset: end, needed: 4, what: "chunk count"))

        var negativeChunks = entries
        negativeChunks.trailer(chunks: -1, dataset: "x")
        #expect(try Self.reject(negativeChunks, in: directory).1
            == .invalidField(path: path, offset: end, what: "chunk count", value: -1))

        var partialLength = entries
        partialLength.i32(3)
        partialLength.raw([5])
        #expect(try Self.reject(partialLength, in: directory).1
            == .truncated(path: path, offset: end + 4, needed: 4, what: "length of dataset name"))

        var negativeLength = entries
        negativeLength.i32(3)
        negativeLength.i32(-4)
        #expect(try Self.reject(negativeLength, in: directory).1
            == .invalidField(path: path, offset: end + 4, what: "length of dataset name", value: -4))

        var longDataset = entries
        longDataset.i32(3)
        longDataset.i32(50)
        longDataset.raw(Array("short".utf8))
        #expect(try Self.reject(longDataset, in: directory).1
            == .pastEnd(path: path, offset: end + 4, what: "dataset name", length: 50, fileSize: longDataset.count))

        var extra = entries
        extra.trailer(chunks: 3, dataset: "train.txt")
        let extraOffset = extra.count
        extra.raw([0, 0, 0])
        #expect(try Self.reject(extra, in: directory).1 == .trailingBytes(path: path, offset: extraOffset, count: 3))
    }

    @Test("every legacy error names the file and reads as one line")
    func descriptions() throws {
        let directory = try TemporaryDirectory()
        var dat = Self.prefix()
        dat.i32(0)
        let (path, error) = try Self.reject(dat, in: directory)
        let text = try #require(error).description
        #expect(text.hasPrefix(path + ": "))
        #expect(text.contains("blk.0.attn_q.weight") && text.contains("offset \(dat.count - 4)"))
        #expect(!text.contains("\n"))
    }
}
