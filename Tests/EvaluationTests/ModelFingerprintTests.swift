import Evaluation
import Foundation
import Testing
import TestSupport

@Suite("Model fingerprint")
struct ModelFingerprintTests {
    static func write(_ bytes: [UInt8], _ path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test("names do not count; a changed byte at either end, a changed size or another file do")
    func fingerprint() throws {
        let folder = try TemporaryDirectory()
        var generator = SplitMix64(seed: 9)
        let bytes = (0 ..< 3 << 20).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        try Self.write(bytes, folder.file("a.gguf"))
        try Self.write(bytes, folder.file("copy.gguf"))
        let original = try ModelFingerprint.of(path: folder.file("a.gguf"))
        #expect(try ModelFingerprint.of(path: folder.file("copy.gguf")) == original)

        var head = bytes
        head[10] ^= 1
        try Self.write(head, folder.file("head.gguf"))
        var tail = bytes
        tail[tail.count - 3] ^= 1
        try Self.write(tail, folder.file("tail.gguf"))
        try Self.write(Array(bytes.dropLast()), folder.file("short.gguf"))
        for name in ["head.gguf", "tail.gguf", "short.gguf"] {
            #expect(try ModelFingerprint.of(path: folder.file(name)) != original, "\(name)")
        }

        // Folders: the same files give the same fingerprint; another file's content changes it.
        for sub in ["one", "two"] {
            try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true)
            try Self.write(Array("{\"a\": 1}".utf8), folder.file("\(sub)/config.json"))
            try Self.write(bytes, folder.file("\(sub)/model.safetensors"))
        }
        #expect(try ModelFingerprint.of(path: folder.file("one")) == ModelFingerprint.of(path: folder.file("two")))
        try Self.write(Array("{\"a\": 2}".utf8), folder.file("two/config.json"))
        #expect(try ModelFingerprint.of(path: folder.file("one")) != ModelFingerprint.of(path: folder.file("two")))
        #expect(throws: EvaluationError.self) { try ModelFingerprint.of(path: folder.file("missing")) }
    }
}
