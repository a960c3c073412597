import Foundation
import GGUF
import ImportanceMatrix
import Testing
import TestSupport

@Suite("ggufkit imatrix and --imatrix on the command line", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct ImportanceCommandLineTests {
    /// A tiny 64-wide model and a calibration text its byte-level tokenizer covers.
    static func prepare(_ scratch: TemporaryDirectory) throws {
        try ImportanceMatrixPassTests.model().write(to: scratch.file("m"))
        let words = ["abc", "bad", "cab", "ace", "dab", "fig", "hij", "klm", "nop", "qrs", "tuv", "wxy"]
        try writeText((0 ..< 300).map { words[($0 * 7 + $0 / 5) % words.count] }.joined(separator: " "),
                      to: scratch.file("text.txt"))
    }

    @Test("imatrix, inspect, quantize --imatrix and convert --calibration agree")
    func endToEnd() throws {
        let scratch = try TemporaryDirectory()
        try Self.prepare(scratch)
        let made = try CLI.run(["imatrix", scratch.file("m"), "-f", scratch.file("text.txt"), "-c", "32", "--chunks", "5",
                                "-o", scratch.file("m.imatrix.gguf"), "-t", "2"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("14 entries, 5 chunks of 32 tokens"), "\(made.stdout)")
        let matrix = try ImportanceMatrix(contentsOf: scratch.file("m.imatrix.gguf"))
        #expect(matrix.datasets == [scratch.file("text.txt")])

        let shown = try CLI.run(["inspect", scratch.file("m.imatrix.gguf")])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("blk.1.ffn_down.weight"))

        let f32 = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("f32.gguf"), "--type", "f32", "-q"])
        #expect(f32.status == 0, "\(f32.stderr)")
        let weighted = try CLI.run(["quantize", scratch.file("f32.gguf"), scratch.file("w.gguf"), "q4_0",
                                    "--imatrix", scratch.file("m.imatrix.gguf"), "-q"])
        #expect(weighted.status == 0, "\(weighted.stderr)")
        let oneCommand = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("one.gguf"), "--type", "q4_0",
                                      "--calibration", scratch.file("text.txt"), "-c", "32", "--chunks", "5",
                                      "--imatrix-out", scratch.file("saved.imatrix.gguf"), "-q"])
        #expect(oneCommand.status == 0, "\(oneCommand.stderr)")
        let w = try GGUFFile(path: scratch.file("w.gguf")), one = try GGUFFile(path: scratch.file("one.gguf"))
        #expect(w.metadata["quantize.imatrix.entries_count"]?.intValue == 14)
        // The Hugging Face folder is scored with exact F32 activations and the F32 GGUF the same way,
        // so the matrices, and the quantized tensors, agree.
        for info in w.tensors {
            #expect(w.bytes(of: info.name) == one.bytes(of: info.name), "\(info.name)")
        }
    }

    @Test("usage errors exit 64", arguments: [
        ["--imatrix", "a.gguf", "--calibration", "t.txt"],
        ["--imatrix-out", "x.gguf"],
        ["--chunks", "0", "--calibration", "t.txt"],
        ["--include-weights", "attn", "--exclude-weights", "ffn"],
    ])
    func usage(extra: [String]) throws {
        let scratch = try TemporaryDirectory()
        try Self.prepare(scratch)
        let result = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("o.gguf"), "--type", "q4_0"] + extra)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("o.gguf")))
    }

    @Test("a damaged imatrix file: exit 1, one line naming the file, no output")
    func damagedFile() throws {
        let scratch = try TemporaryDirectory()
        try Self.prepare(scratch)
        try writeBytes(Array("GGUF".utf8) + [3, 0, 0, 0, 255, 255], to: scratch.file("bad.imatrix.gguf"))
        let result = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("o.gguf"), "--type", "q4_0",
                                  "--imatrix", scratch.file("bad.imatrix.gguf"), "-q"])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("bad.imatrix.gguf"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("o.gguf")))
    }

    @Test("a text too short for two chunks is a clear error")
    func shortText() throws {
        let scratch = try TemporaryDirectory()
        try Self.prepare(scratch)
        try writeText("abc bad", to: scratch.file("short.txt"))
        let result = try CLI.run(["imatrix", scratch.file("m"), "-f", scratch.file("short.txt"), "-c", "32",
                                  "-o", scratch.file("x.gguf")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("short.txt"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("x.gguf")))
    }
}
