import Foundation
import Testing
import TestSupport

/// `ggufkit export` writes the same bytes whatever `-t` says: the rows of a tensor are split
/// across threads, and each must land where one thread would have put it.
@Suite("ggufkit export -t", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct ExportThreadsTests {
    /// Every file in `folder` (names relative to it) and its bytes.
    static func contents(of folder: String) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for name in entries(of: folder) {
            out[name] = try readBytes((folder as NSString).appendingPathComponent(name))
        }
        return out
    }

    @Test("export writes byte-identical folders with -t 1 and -t 2", arguments: ["bf16", "f32"])
    func threadCountDoesNotMatter(dtype: String) throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.hidden = 64
        model.intermediate = 128
        try model.write(to: scratch.file("m"))
        let converted = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("m.gguf"), "--type", "q4_0", "-q"])
        try #require(converted.status == 0, "\(converted.stderr)")

        var folders: [[String: [UInt8]]] = []
        for threads in ["1", "2"] {
            let output = scratch.file("export-t\(threads)")
            let result = try CLI.run(["export", scratch.file("m.gguf"), "-o", output, "--dtype", dtype, "-t", threads, "-q"])
            try #require(result.status == 0, "\(result.stderr)")
            folders.append(try Self.contents(of: output))
        }
        let one = folders[0], two = folders[1]
        #expect(one.keys.contains("model.safetensors") && one.keys.contains("config.json"), "\(one.keys.sorted())")
        #expect(one.keys.sorted() == two.keys.sorted())
        for name in one.keys.sorted() {
            let a = try #require(one[name]), b = try #require(two[name])
            #expect(firstDifference(a, b) == nil, "\(name): first differing byte \(firstDifference(a, b) ?? -1)")
        }
    }
}
