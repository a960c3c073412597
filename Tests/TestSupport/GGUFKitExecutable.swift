import Foundation

/// Where the `ggufkit` executable that `swift build` / `swift test` made is, for tests that run the command line.
public enum GGUFKitExecutable {
    /// `GGUFKIT_BINARY`, else the build folder this test bundle runs from, else the usual scratch folders of the
    /// checkout; `nil` when none holds an executable.
    public static let path: String? = {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["GGUFKIT_BINARY"] { candidates.append(explicit) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("ggufkit").path)
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("ggufkit").path)
        }
        for scratch in [".build-ct", ".build"] {
            candidates.append(TestAssets.packageRoot.appendingPathComponent("\(scratch)/debug/ggufkit").path)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
