import Foundation
import GGUF

/// A temporary folder that deletes itself.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ggufkit-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(name).path
    }

    /// Names in the folder, sorted, hidden files included.
    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

/// Where the shared assets, cached fixtures and Python helpers are.
enum Assets {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the checkout, or `GGUFKIT_SHARED`.
    static var shared: String? {
        let path = ProcessInfo.processInfo.environment["GGUFKIT_SHARED"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static var stories260K: String? {
        guard let shared else { return nil }
        let dir = URL(fileURLWithPath: shared).appendingPathComponent("models/stories260K").path
        return FileManager.default.fileExists(atPath: dir + "/tokenizer.model") ? dir : nil
    }

    static var fixtures: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/ggufkit-fixtures")
    }

    static var smolLM2GGUF: String? {
        let path = fixtures.appendingPathComponent("smollm2-original-q4_1.gguf").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static var smolLM2Reference: String? {
        let path = fixtures.appendingPathComponent("smollm2-135m-instruct").path
        return FileManager.default.fileExists(atPath: path + "/model.safetensors") ? path : nil
    }

    static let hasPythonTokenizers = Python.canImport("tokenizers")
    static let hasPythonSentencePiece = Python.canImport("sentencepiece")
}

/// Runs `python3` scripts for cross-checks against the reference libraries.
enum Python {
    struct Result {
        var status: Int32
        var output: String
    }

    static func canImport(_ module: String) -> Bool {
        (try? run("import \(module)").status) == 0
    }

    /// Runs `script` with `arguments` in `sys.argv[1...]`; stdout and stderr together.
    static func run(_ script: String, arguments: [String] = []) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// Reads a JSON file as a dictionary.
func readJSONObject(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

/// BF16 bits as ggml rounds them (nearest even), written independently of the code under test.
func bf16Rounded(_ value: Float) -> Float {
    let bits = value.bitPattern
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
    return Float(bitPattern: rounded)
}

/// Reads an F32 GGUF tensor's values.
func floats(of info: GGUFTensorInfo, in file: GGUFFile) -> [Float] {
    let data = file.data(for: info)
    return (0 ..< info.elementCount).map { data.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
}

/// A deterministic generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
