import Foundation
import Inference
import Testing

/// A scratch folder removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("ggufkit-inference-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
}

/// Deterministic pseudo-random numbers (SplitMix64), so tests never depend on a global RNG.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    mutating func symmetric() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }
}

/// The shared read-only assets (`../shared` beside the package, or `GGUFKIT_SHARED`).
enum SharedAssets {
    static let root: String? = {
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_SHARED"] {
            return FileManager.default.fileExists(atPath: configured) ? configured : nil
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shared = package.deletingLastPathComponent().appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: shared) ? shared : nil
    }()

    static var stories260K: String? {
        guard let root else { return nil }
        let path = root + "/models/stories260K"
        return FileManager.default.fileExists(atPath: path + "/model.safetensors") ? path : nil
    }

    /// The package root, where `scripts/reference_forward.py` lives.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// A Python 3 interpreter with numpy, or `nil`.
enum PythonNumpy {
    static let interpreter: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_PYTHON"] { candidates.append(configured) }
        candidates.append("/usr/bin/env")
        for candidate in candidates {
            if let output = try? run(candidate, ["python3", "-c", "import numpy"]), output.status == 0 {
                return candidate
            }
        }
        return nil
    }()

    struct Output {
        let status: Int32
        let stdout: Data
        let stderr: String
    }

    /// Runs `python3 script arguments...`; output goes through files so a chatty process
    /// cannot fill a pipe and deadlock the test.
    static func runScript(_ script: String, _ arguments: [String]) throws -> Output {
        guard let interpreter else { throw ScriptFailure(message: "no python3 with numpy") }
        let executableArguments = interpreter == "/usr/bin/env" ? ["python3", script] : [script]
        return try run(interpreter, executableArguments + arguments)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let scratch = try TemporaryDirectory()
        let outPath = scratch.file("stdout"), errPath = scratch.file("stderr")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Output(status: process.terminationStatus,
                      stdout: try Data(contentsOf: URL(fileURLWithPath: outPath)),
                      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// Largest absolute difference between two equally long float sequences.
func maxAbsDifference<A: Collection<Float>, B: Collection<Float>>(_ a: A, _ b: B) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

extension InferenceOptions {
    /// Pure F32 arithmetic, so logits can be compared with the reference forward passes.
    static func exact(threads: Int, weightCacheBytes: Int = 2 << 30) -> InferenceOptions {
        var options = InferenceOptions(threads: threads, weightCacheBytes: weightCacheBytes)
        options.activationPrecision = .exact
        return options
    }
}
