import Foundation
import Testing
import TestSupport

/// Finds and runs the `ggufkit` executable that `swift build` / `swift test` put next to
/// the test bundle.
enum CLI {
    static var binary: String? { GGUFKitExecutable.path }

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
