import Foundation

/// Python 3 for cross-checks against the reference libraries (gguf-py, numpy, safetensors,
/// tokenizers, sentencepiece).
public enum Python {
    /// `GGUFKIT_PYTHON`, then `python3` on `PATH`, then the virtual environment the fixture
    /// scripts make.
    private static var candidates: [String] {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_PYTHON"] { candidates.append(configured) }
        candidates.append("python3")
        candidates.append(TestAssets.fixtures + "/venv/bin/python")
        return candidates
    }

    /// The first candidate interpreter that can import every module named, or `nil`.
    public static func interpreter(importing modules: String...) -> String? {
        let script = "import " + modules.joined(separator: ", ")
        return candidates.first { (try? run($0, script: script))?.status == 0 }
    }

    /// An interpreter with gguf-py (llama.cpp's own GGUF reader and writer) and numpy.
    public static let withGGUF: String? = interpreter(importing: "gguf", "numpy")

    public static let withNumpy: String? = interpreter(importing: "numpy")

    /// An interpreter for scripts that need only the standard library (ctypes included).
    public static let plain: String? = interpreter(importing: "ctypes", "json")

    /// Whether `python3` on `PATH`, which ``run(_:script:arguments:)`` uses by default, can
    /// import every module named.
    public static func canImport(_ modules: String...) -> Bool {
        (try? run(script: "import " + modules.joined(separator: ", ")))?.status == 0
    }

    /// Runs `script` with `python -c`, `arguments` in `sys.argv[1...]`.
    public static func run(_ interpreter: String = "python3", script: String,
                           arguments: [String] = []) throws -> ProcessOutput {
        try ChildProcess.run(interpreter, ["-c", script] + arguments)
    }

    /// Runs the script file at `file`.
    public static func run(_ interpreter: String = "python3", file: String,
                           arguments: [String] = []) throws -> ProcessOutput {
        try ChildProcess.run(interpreter, [file] + arguments)
    }

    /// Runs a script expected to succeed and print one JSON object.
    public static func json(_ interpreter: String = "python3", script: String,
                            arguments: [String] = []) throws -> [String: Any] {
        let output = try run(interpreter, script: script, arguments: arguments)
        guard output.status == 0 else {
            throw TestFailure("python exited with \(output.status): \(output.stderr)")
        }
        guard let object = try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any] else {
            throw TestFailure("python printed no JSON object: \(output.stdout)")
        }
        return object
    }
}
