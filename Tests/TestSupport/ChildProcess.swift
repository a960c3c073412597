import Foundation

/// How a child process ended and what it printed.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdoutData: Data
    public let stderr: String

    public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }

    /// Standard output, then standard error, for failure messages and for tools that log the
    /// line a test looks for on either stream.
    public var output: String {
        let out = stdout
        return out.isEmpty || out.hasSuffix("\n") ? out + stderr : out + "\n" + stderr
    }
}

/// Runs external programs: reference tools, Python scripts, the command-line executable.
public enum ChildProcess {
    /// Runs `executable` (a path, or a name looked up on `PATH`) with `arguments`, feeding it
    /// `input` (or nothing) on standard input. Both outputs go through files, so a chatty
    /// child cannot fill a pipe and block while the test waits for it.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> ProcessOutput {
        let scratch = try TemporaryDirectory()
        let outPath = scratch.file("stdout"), errPath = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        process.standardOutput = out
        process.standardError = err
        var inputHandle: FileHandle?
        if let input {
            let inPath = scratch.file("stdin")
            try input.write(to: URL(fileURLWithPath: inPath))
            inputHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
            process.standardInput = inputHandle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        defer { try? inputHandle?.close() }
        try process.run()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus,
                             stdoutData: try Data(contentsOf: URL(fileURLWithPath: outPath)),
                             stderr: String(decoding: try readBytes(errPath), as: UTF8.self))
    }
}
