import Foundation
import Testing

/// Finds and runs the `ggufkit` executable that `swift build` / `swift test` put next to
/// the test bundle.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `GGUFKIT_BINARY`, else the build folder this test bundle runs from, else the usual
    /// scratch folders of the checkout; `nil` when none holds an executable.
    static let binary: String? = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["GGUFKIT_BINARY"] { candidates.append(explicit) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("ggufkit").path)
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("ggufkit").path)
        }
        for scratch in [".build-ct", ".build"] {
            candidates.append(packageRoot.appendingPathComponent("\(scratch)/debug/ggufkit").path)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var skipReason: Comment {
        "the ggufkit executable was not found beside the test bundle or in .build-ct/.build (build it, or set GGUFKIT_BINARY)"
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs the executable with output captured in files, so large outputs cannot fill a
    /// pipe and block the child.
    static func run(_ arguments: [String], scratch: TemporaryDirectory) throws -> Result {
        let binary = try #require(binary)
        let id = UUID().uuidString
        let outPath = scratch.file("stdout-\(id)")
        let errPath = scratch.file("stderr-\(id)")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try readBytes(outPath), as: UTF8.self),
                      stderr: String(decoding: try readBytes(errPath), as: UTF8.self))
    }
}
