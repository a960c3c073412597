import Foundation
import SafeTensors
import Testing
import TestSupport

/// Absolute file offset of the `occurrence`-th appearance of `needle` in a header
/// written by `TemporaryDirectory.writeRaw` (the header starts after the 8-byte length).
func headerOffset(of needle: String, in header: String, occurrence: Int = 0) -> Int {
    let haystack = Array(header.utf8), pattern = Array(needle.utf8)
    var seen = 0
    for start in 0 ... haystack.count - pattern.count where Array(haystack[start ..< start + pattern.count]) == pattern {
        if seen == occurrence { return 8 + start }
        seen += 1
    }
    return -1
}

@Suite("Bad framing: length prefix, UTF-8 and JSON syntax")
struct HeaderFramingTests {
    @Test("a file shorter than the 8-byte length prefix is refused", arguments: [0, 1, 7])
    func fileTooShort(size: Int) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("short.safetensors", bytes: patternBytes(size))
        #expect(throws: SafeTensorsError.fileTooShort(path: path, size: size)) { try SafeTensorsFile(path: path) }
    }

    @Test("a header length past the end of the file is refused", arguments: [UInt64(3), 1 << 40, .max])
    func headerLargerThanFile(declared: UInt64) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.writeRaw("long.safetensors", header: "{}", declaredLength: declared)
        #expect(throws: SafeTensorsError.headerLargerThanFile(path: path, headerLength: declared, fileSize: 10)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("a header length above 100 MB is refused even when the file is that large")
    func headerTooLarge() throws {
        let folder = try TemporaryDirectory()
        let declared: UInt64 = 100_000_001
        let path = try folder.writeRaw("huge.safetensors", header: "", declaredLength: declared)
        // Sparse: the file system allocates nothing for the hole, so this costs no disk.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 8 + declared)
        try handle.close()
        #expect(throws: SafeTensorsError.headerTooLarge(path: path, headerLength: declared, limit: 100_000_000)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("ill-formed UTF-8 is reported at its offset", arguments: [
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80],
    ] as [[UInt8]])
    func headerNotUTF8(bad: [UInt8]) throws {
        let folder = try TemporaryDirectory()
        let header = Array("{\"a".utf8) + bad + Array("\":{}}".utf8)
        let path = try folder.write("utf8.safetensors", bytes: rawSafeTensors(header: header))
        #expect(throws: SafeTensorsError.headerNotUTF8(path: path, offset: 11)) { try SafeTensorsFile(path: path) }
    }

    @Test("valid multi-byte UTF-8 in names is accepted")
    func validUTF8() throws {
        let folder = try TemporaryDirectory()
        let name = "é€𝄞"
        let path = try folder.writeRaw("ok.safetensors", header: "{\"\(name)\":{\"dtype\":\"U8\",\"shape\":[1],"
            + "\"data_offsets\":[0,1]}}", data: [9])
        let file = try SafeTensorsFile(path: path)
        #expect(try file.withData(named: name) { [UInt8]($0) } == [9])
    }

    @Test("JSON syntax errors name the offending offset", arguments: [
        ("", 8), ("{", 9), ("{\"a\":}", 13), ("{} x", 11), ("{\"a\":1,}", 15), ("{'a':1}", 9),
        ("{\"a\":tru}", 13), ("{\"a\":01}", 14), ("{\"a\":\"\u{1}\"}", 14), ("{\"a\":\"\\q\"}", 14),
        ("{\"a\":\"\\ud800\"}", 14), ("{\"a\":\"\\udc00\"}", 14), ("{\"a\":1.}", 15), ("{\"a\":-}", 14), ("{\"a\" 1}", 13), ("{\"a\":\"x}", 16),
    ])
    func headerNotJSON(header: String, offset: Int) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.writeRaw("syntax.safetensors", header: header)
        #expect {
            try SafeTensorsFile(path: path)
        } throws: { error in
            guard case let .headerNotJSON(failedPath, failedOffset, _) = error as? SafeTensorsError else { return false }
            return failedPath == path && failedOffset == offset
        }
    }

    @Test("deep nesting is refused without exhausting the stack")
    func deepNesting() throws {
        let folder = try TemporaryDirectory()
        let header = "{\"a\":" + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + "}"
        let path = try folder.writeRaw("deep.safetensors", header: header)
        #expect {
            try SafeTensorsFile(path: path)
        } throws: { error in
            guard case let .headerNotJSON(_, _, reason) = error as? SafeTensorsError else { return false }
            return reason.contains("nesting")
        }
    }

    @Test("a header that is JSON but not an object is refused", arguments: ["[]", "3", "\"s\"", "null", " true "])
    func headerNotObject(header: String) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.writeRaw("notobject.safetensors", header: header)
        #expect(throws: SafeTensorsError.headerNotObject(path: path, offset: 8)) { try SafeTensorsFile(path: path) }
    }

    @Test("trailing spaces after the header object are accepted (writers pad with them)")
    func trailingPadding() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.writeRaw("padded.safetensors", header: "{}      ")
        #expect(try SafeTensorsFile(path: path).tensors.isEmpty)
    }

    @Test("a missing file or a folder cannot be opened")
    func cannotOpen() throws {
        let folder = try TemporaryDirectory()
        for path in [folder.file("absent.safetensors"), folder.path] {
            #expect {
                try SafeTensorsFile(path: path)
            } throws: { error in
                guard case let .cannotOpen(failedPath, _) = error as? SafeTensorsError else { return false }
                return failedPath == path
            }
        }
    }
}
