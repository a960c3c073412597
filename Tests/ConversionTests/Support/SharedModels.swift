import Foundation
import Testing

/// The real models in `../shared` (or `GGUFKIT_SHARED`). Tests that need one skip with a
/// message when it is absent, and fail instead when `GGUFKIT_REQUIRE_REFERENCES=1`.
enum SharedModels {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var shared: String? {
        let path = ProcessInfo.processInfo.environment["GGUFKIT_SHARED"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The stories260K Hugging Face folder, or `nil` after reporting why it is missing.
    static func stories260K() -> String? {
        let folder = shared.map { ($0 as NSString).appendingPathComponent("models/stories260K") }
        if let folder, FileManager.default.fileExists(atPath: folder + "/config.json") { return folder }
        if ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_REFERENCES"] == "1" {
            Issue.record("stories260K not found (../shared/models/stories260K or GGUFKIT_SHARED)")
        } else {
            print("skipping: stories260K not available (../shared/models/stories260K or GGUFKIT_SHARED)")
        }
        return nil
    }
}
