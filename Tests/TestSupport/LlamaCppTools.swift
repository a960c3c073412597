import Foundation

/// llama.cpp's built tools (llama-tokenize, llama-perplexity, ...), from
/// `../shared/scripts/build-llamacpp-reference.sh`: `GGUFKIT_LLAMA_CPP_BIN`, else that
/// script's default folder under ``TestAssets/fixtures``.
public enum LlamaCppTools {
    public static var binFolder: String {
        ProcessInfo.processInfo.environment["GGUFKIT_LLAMA_CPP_BIN"] ?? TestAssets.fixtures + "/llama.cpp/build/bin"
    }

    /// The tool's path, when it is there.
    public static func tool(_ name: String) -> String? {
        let path = binFolder + "/" + name
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
