import Foundation
import SafeTensors
import Testing
import TestSupport

@Suite("Writing and reading back")
struct RoundTripTests {
    @Test("every dtype round-trips with its shape, sizes and bytes", arguments: SafeTensorsDType.allCases)
    func everyDType(dtype: SafeTensorsDType) throws {
        let folder = try TemporaryDirectory()
        let shape = [2, 3, 5]
        let bytes = patternBytes(30 * dtype.byteSize, seed: UInt8(dtype.byteSize))
        var writer = SafeTensorsWriter()
        writer.add(name: "t.\(dtype.rawValue)", dtype: dtype, shape: shape, data: bytes)
        let path = folder.file("one.safetensors")
        try writer.write(to: path)

        let file = try SafeTensorsFile(path: path)
        let info = try #require(file.info(named: "t.\(dtype.rawValue)"))
        #expect(info.dtype == dtype)
        #expect(info.shape == shape)
        #expect(info.elementCount == 30)
        #expect(info.byteCount == bytes.count)
        #expect(info.filePath == path)
        #expect(info.fileOffset == file.dataStart)
        #expect([UInt8](file.data(for: info)) == bytes)
    }

    @Test("scalars, zero-size tensors and their neighbours keep their own bytes")
    func scalarsAndEmptyTensors() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        writer.add(name: "scalar", dtype: .f32, shape: [], data: [0, 0, 0x80, 0x3F])
        writer.add(name: "empty", dtype: .f16, shape: [0], data: [])
        writer.add(name: "empty2d", dtype: .bf16, shape: [4, 0], data: [])
        writer.add(name: "after", dtype: .u8, shape: [3], data: [7, 8, 9])
        let path = folder.file("mixed.safetensors")
        try writer.write(to: path)

        let file = try SafeTensorsFile(path: path)
        let scalar = try #require(file.info(named: "scalar"))
        #expect(scalar.shape == [] && scalar.elementCount == 1 && scalar.byteCount == 4)
        #expect(file.data(for: scalar).loadUnaligned(as: Float.self) == 1.0)
        for name in ["empty", "empty2d"] {
            let empty = try #require(file.info(named: name))
            #expect(empty.elementCount == 0 && empty.byteCount == 0)
            #expect(file.data(for: empty).isEmpty)
        }
        #expect(try [UInt8](file.data(named: "after")) == [7, 8, 9])
    }

    @Test("tensors are listed by data offset and found by name")
    func orderAndLookup() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        let names = ["z.first", "a.second", "m.third"]
        for (index, name) in names.enumerated() {
            writer.add(name: name, dtype: .i32, shape: [index + 1], data: patternBytes(4 * (index + 1)))
        }
        let path = folder.file("order.safetensors")
        try writer.write(to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors.map(\.name) == names)
        #expect(file.tensors.map(\.fileOffset) == [file.dataStart, file.dataStart + 4, file.dataStart + 12])
        #expect(file.info(named: "missing") == nil)
        #expect(throws: SafeTensorsError.tensorNotFound(name: "missing", location: path)) {
            try file.data(named: "missing")
        }
    }

    @Test("metadata and unusual names survive JSON escaping")
    func metadataAndEscaping() throws {
        let folder = try TemporaryDirectory()
        let odd = "quote\" backslash\\ newline\n tab\t bell\u{7} é 🦙"
        var writer = SafeTensorsWriter()
        writer.add(name: odd, dtype: .u8, shape: [1], data: [42])
        let metadata = ["format": "pt", odd: "value \"with\" \\ escapes\u{1}", "empty": ""]
        let path = folder.file("escapes.safetensors")
        try writer.write(to: path, metadata: metadata)
        let file = try SafeTensorsFile(path: path)
        #expect(file.metadata == metadata)
        #expect(try [UInt8](file.data(named: odd)) == [42])
    }

    @Test("the header is padded so the data section is 8-byte aligned")
    func headerPadding() throws {
        let folder = try TemporaryDirectory()
        for length in 1 ... 9 {
            var writer = SafeTensorsWriter()
            writer.add(name: String(repeating: "n", count: length), dtype: .f64, shape: [1], data: patternBytes(8))
            let path = folder.file("pad\(length).safetensors")
            try writer.write(to: path)
            let file = try SafeTensorsFile(path: path)
            #expect(file.dataStart % 8 == 0)
            #expect(file.fileSize == file.dataStart + 8)
        }
    }

    @Test("a streamed tensor may arrive in pieces")
    func streamedProducer() throws {
        let folder = try TemporaryDirectory()
        let bytes = patternBytes(1000)
        var writer = SafeTensorsWriter()
        writer.add(name: "streamed", dtype: .f32, shape: [250], byteCount: 1000) { emit in
            for start in stride(from: 0, to: 1000, by: 300) {
                try bytes[start ..< min(1000, start + 300)].withUnsafeBytes { try emit($0) }
            }
        }
        writer.add(name: "inline", dtype: .u8, shape: [2], data: [1, 2])
        let path = folder.file("streamed.safetensors")
        try writer.write(to: path)
        let file = try SafeTensorsFile(path: path)
        #expect(try [UInt8](file.data(named: "streamed")) == bytes)
        #expect(try [UInt8](file.data(named: "inline")) == [1, 2])
    }

    @Test("a file with only a header and no tensors opens empty")
    func noTensors() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("empty.safetensors")
        try SafeTensorsWriter().write(to: path, metadata: ["format": "pt"])
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors.isEmpty)
        #expect(file.metadata == ["format": "pt"])
    }

    @Test("advising pages in and out leaves the data readable")
    func advise() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        let bytes = patternBytes(3 * 4096 + 5)
        writer.add(name: "big", dtype: .u8, shape: [bytes.count], data: bytes)
        let path = folder.file("advise.safetensors")
        try writer.write(to: path)
        let file = try SafeTensorsFile(path: path)
        let info = try #require(file.info(named: "big"))
        file.advise(info, willNeed: true)
        #expect([UInt8](file.data(for: info)) == bytes)
        file.advise(info, willNeed: false)
        #expect([UInt8](file.data(for: info)) == bytes)
    }

    @Test("an info from another file yields no bytes rather than the wrong ones")
    func foreignInfo() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        writer.add(name: "x", dtype: .u8, shape: [4], data: [1, 2, 3, 4])
        try writer.write(to: folder.file("a.safetensors"))
        try writer.write(to: folder.file("b.safetensors"))
        let a = try SafeTensorsFile(path: folder.file("a.safetensors"))
        let b = try SafeTensorsFile(path: folder.file("b.safetensors"))
        let infoB = try #require(b.info(named: "x"))
        #expect(a.data(for: infoB).isEmpty)
    }
}
