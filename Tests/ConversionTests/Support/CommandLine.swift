import Foundation
import Testing
import TestSupport

/// Finds and runs the `ggufkit` executable that `swift build` / `swift test` put next to
/// the test bundle.
enum CLI {
    /// `GGUFKIT_BINARY`, else the build folder this test bundle runs from, else the usual
    /// scratch folders of the checkout; `nil` when none holds an executable.
    static let binary: String? = {
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

    static var skipReason: Comment {
        "the ggufkit executable was not found beside the test bundle or in .build-ct/.build (build it, or set GGUFKIT_BINARY)"
    }

    /// Runs the executable with `arguments`.
    static func run(_ arguments: [String]) throws -> ProcessOutput {
        try ChildProcess.run(try #require(binary), arguments)
    }

    /// Converts `model` to each of `types`, writing `<type>.gguf` in `folder`.
    static func convert(_ model: String, to types: [String], in folder: TemporaryDirectory) throws {
        for type in types {
            let converted = try run(["convert", model, "-o", folder.file("\(type).gguf"), "--type", type, "-q"])
            try #require(converted.status == 0, "\(converted.stderr)")
        }
    }
}

extension ProcessOutput {
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}
