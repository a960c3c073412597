import Foundation

/// Where the test inputs outside the test bundles live: the package itself, the read-only
/// `../shared` folder (models and texts) and the cached fixtures. Each lookup is `nil` when the
/// asset is absent; ``References/locate(_:_:sourceLocation:)`` and
/// `.enabled(ifAvailable:)` turn that into a skip or, when references are required, a failure.
public enum TestAssets {
    /// The package root (this file is `Tests/TestSupport/TestAssets.swift`).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `GGUFKIT_SHARED`, else `../shared` beside the package; `nil` when that folder is absent.
    public static var shared: String? {
        let path = environment["GGUFKIT_SHARED"].flatMap { $0.isEmpty ? nil : $0 }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
        return fileExists(path) ? path : nil
    }

    /// `relative` inside the shared folder, when it exists.
    public static func shared(_ relative: String) -> String? {
        guard let shared else { return nil }
        let path = (shared as NSString).appendingPathComponent(relative)
        return fileExists(path) ? path : nil
    }

    /// The stories260K Hugging Face folder (weights and both tokenizer files), when complete.
    public static var stories260K: String? {
        guard let folder = shared("models/stories260K") else { return nil }
        let needed = ["config.json", "model.safetensors", "tokenizer.model", "tokenizer.json"]
        return needed.allSatisfy { fileExists(folder + "/" + $0) } ? folder : nil
    }

    /// `GGUFKIT_FIXTURES`, else `~/.cache/ggufkit-fixtures` (where `../shared/scripts` build them).
    public static var fixtures: String {
        environment["GGUFKIT_FIXTURES"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/ggufkit-fixtures").path
    }

    /// The SmolLM2-135M Hugging Face folder made by `shared/scripts/make-smollm2-hf.sh`
    /// (`GGUFKIT_SMOLLM2_DIR`, else its default place under ``fixtures``).
    public static var smolLM2: String? {
        let folder = environment["GGUFKIT_SMOLLM2_DIR"] ?? fixtures + "/smollm2-135m-instruct"
        return fileExists(folder + "/model.safetensors") && fileExists(folder + "/tokenizer.json") ? folder : nil
    }

    /// The Q4_1 GGUF llama.cpp's converter made for SmolLM2, which only some machines cache.
    public static var smolLM2GGUF: String? {
        let path = fixtures + "/smollm2-original-q4_1.gguf"
        return fileExists(path) ? path : nil
    }
}
