import Foundation
import Testing
@testable import GGUF
import TestSupport

/// Damage that is not aimed at one field: truncation anywhere and random byte changes.
@Suite("Reader validation: whole-file corruption")
struct ReaderCorruptionTests {
    // MARK: Whole-file corruption

    /// A small valid file whose last tensor ends exactly at the end of the file, so that
    /// removing any byte makes it invalid.
    static func sampleFile(in directory: TemporaryDirectory) throws -> [UInt8] {
        let metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama")),
                                     ("test.list", .strings(["a", "bc"])),
                                     ("test.nested", .array(.array, [.int32s([1, 2])])),
                                     ("test.flag", .bool(true))])
        let tensors = [TestTensor("x", [8, 2], .f16), TestTensor("y", [32], .q8_0), TestTensor("z", [8], .f32)]
        return try readBytes(writeGGUF(directory.file("sample.gguf"), metadata: metadata, tensors: tensors))
    }

    @Test("every truncation of a valid file is refused with an error, never a crash")
    func everyTruncation() throws {
        let directory = try TemporaryDirectory()
        let bytes = try Self.sampleFile(in: directory)
        _ = try GGUFFile(path: directory.write("full.gguf", bytes: bytes))
        for length in 0 ..< bytes.count {
            let path = try directory.write("cut.gguf", bytes: Array(bytes[..<length]))
            #expect(throws: GGUFError.self, "prefix of \(length) bytes") { try GGUFFile(path: path) }
        }
    }

    @Test("random corruption of the header is either rejected or yields in-bounds tensors")
    func randomCorruption() throws {
        let directory = try TemporaryDirectory()
        let bytes = try Self.sampleFile(in: directory)
        let headerEnd = try GGUFFile(path: directory.write("full.gguf", bytes: bytes)).dataOffset
        var generator = SplitMix64(seed: 42)
        for _ in 0 ..< 1500 {
            var corrupted = bytes
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &generator) {
                let position = Int.random(in: 0 ..< headerEnd, using: &generator)
                corrupted[position] = UInt8.random(in: 0 ... 255, using: &generator)
            }
            let path = try directory.write("fuzz.gguf", bytes: corrupted)
            guard let file = try? GGUFFile(path: path) else { continue }
            for info in file.tensors {
                #expect(file.dataOffset + info.offset + info.byteCount <= file.fileSize)
                #expect(file.data(for: info).count == info.byteCount)
            }
        }
    }
}
