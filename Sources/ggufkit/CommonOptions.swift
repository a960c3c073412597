import ArgumentParser
import Foundation

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail (per-tensor lines).")
    var verbose = false

    @Option(name: [.customShort("t"), .long], help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1, threads <= 1024 else { throw ValidationError("--threads must be in 1...1024") }
    }

    /// Log lines go to stderr so stdout stays clean for `--json`.
    func log(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    var logger: @Sendable (String) -> Void {
        let quiet = quiet
        return { message in
            guard !quiet else { return }
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
    }
}
