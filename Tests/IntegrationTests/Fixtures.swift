import Foundation

/// Locates the shared test assets and the Python reference tools.
///
/// Tests that need them skip when they are absent, unless `GGUFKIT_REQUIRE_REFERENCES=1`
/// (set by CI) turns a missing reference into a failure.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var requireReferences: Bool {
        ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_REFERENCES"] == "1"
    }

    /// `../shared` beside the checkout, or `GGUFKIT_SHARED`.
    static var shared: URL? {
        if let env = ProcessInfo.processInfo.environment["GGUFKIT_SHARED"] {
            return URL(fileURLWithPath: env)
        }
        let sibling = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: sibling.path) ? sibling : nil
    }

    static var stories260K: URL? {
        guard let dir = shared?.appendingPathComponent("models/stories260K"),
              FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path) else { return nil }
        return dir
    }

    /// The SmolLM2 folder made by `shared/scripts/make-smollm2-hf.sh` (its default location,
    /// or `GGUFKIT_SMOLLM2_DIR`).
    static var smolLM2: URL? {
        let env = ProcessInfo.processInfo.environment
        let dir = env["GGUFKIT_SMOLLM2_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".cache/ggufkit-fixtures/smollm2-135m-instruct")
        return FileManager.default.fileExists(atPath: dir.appendingPathComponent("model.safetensors").path) ? dir : nil
    }

    static var hasPythonGGUF: Bool {
        (try? run(["python3", "-c", "import gguf, numpy"]).status) == 0
    }

    struct Result { var status: Int32; var output: String }

    @discardableResult
    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ggufkit-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Whether a test that needs `what` can run; `false` means skip (when allowed).
    static func available(_ what: URL?, _ name: String) -> Bool {
        if what != nil, hasPythonGGUF { return true }
        if requireReferences {
            return true // let the test run and fail loudly on the missing reference
        }
        print("skipping: \(name) not available (needs ../shared fixtures and python3 with gguf)")
        return false
    }
}
