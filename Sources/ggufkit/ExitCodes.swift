import ArgumentParser

/// The exit codes of `ggufkit` beyond 0 (success), 1 (an error) and 64 (a usage error, from
/// ArgumentParser). README.md lists them all; scripts rely on them, so they never change.
enum ToolExitCode {
    /// `batch`: at least one job failed (the others ran, or were skipped as up to date).
    static let jobsFailed = ExitCode(2)
    /// `--validate` with `--max-kld` / `--max-dppl`: the output was written and kept, but it missed a limit.
    static let validationFailed = ExitCode(3)
}
