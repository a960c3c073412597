import Foundation

/// Runs inline Python scripts for interoperability tests, finding an interpreter that has
/// the `gguf` package (gguf-py, llama.cpp's own Python reader and writer).
enum Python {
    /// An interpreter that can `import gguf`, or `nil` when none is installed.
    static let withGGUF: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_PYTHON"] { candidates.append(configured) }
        candidates.append("python3")
        candidates.append(NSHomeDirectory() + "/.cache/ggufkit-fixtures/venv/bin/python")
        return candidates.first { (try? run($0, script: "import gguf", arguments: []))?.status == 0 }
    }()

    /// Any Python 3 interpreter, for scripts that only need the standard library.
    static let plain: String? = {
        (try? run("python3", script: "import ctypes, json", arguments: []))?.status == 0 ? "python3" : nil
    }()

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `script` with `python -c`; output goes through files so a chatty script cannot
    /// fill a pipe and deadlock the test.
    static func run(_ interpreter: String, script: String, arguments: [String]) throws -> Output {
        let scratch = try TemporaryDirectory()
        let outPath = scratch.file("stdout"), errPath = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        if interpreter.contains("/") {
            process.executableURL = URL(fileURLWithPath: interpreter)
            process.arguments = ["-c", script] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [interpreter, "-c", script] + arguments
        }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOfFile: outPath, encoding: .utf8),
                      stderr: try String(contentsOfFile: errPath, encoding: .utf8))
    }

    /// Runs a script expected to succeed and print one JSON object.
    static func json(_ interpreter: String, script: String, arguments: [String]) throws -> [String: Any] {
        let output = try run(interpreter, script: script, arguments: arguments)
        guard output.status == 0 else {
            throw ScriptFailure(message: "python exited with \(output.status): \(output.stderr)")
        }
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
        guard let dictionary = object as? [String: Any] else {
            throw ScriptFailure(message: "python printed no JSON object: \(output.stdout)")
        }
        return dictionary
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// llama.cpp's ggml library, whose GGUF parser (`gguf_init_from_file`) is the one that
/// matters in the end. Found via `GGUFKIT_GGML_LIB` or the fixtures build of the reference tools.
enum LlamaCppLibrary {
    static let path: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_GGML_LIB"] { candidates.append(configured) }
        candidates.append(NSHomeDirectory() + "/.cache/ggufkit-fixtures/llama.cpp/build/bin/libggml-base.so")
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }()

    static var available: Bool { path != nil && Python.plain != nil }
}
