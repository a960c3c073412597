import Foundation
import Testing

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

    /// Why tests that need the tools skip: building llama.cpp takes minutes, so it is never
    /// built implicitly, not even when references are required.
    public static let skipReason: Comment =
        "llama.cpp's tools are not built (../shared/scripts/build-llamacpp-reference.sh; set GGUFKIT_LLAMA_CPP_BIN)"
}
