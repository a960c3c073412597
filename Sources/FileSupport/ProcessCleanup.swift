import CCleanupSignals

/// Process-wide handling of the signals that would otherwise leave files behind.
public enum ProcessCleanup {
    /// Installs the handlers once, at the start of a command-line run.
    ///
    /// - SIGINT, SIGTERM, SIGHUP: every ``AtomicOutputFile`` not yet committed is deleted, then
    ///   the process ends as the signal asks (exit status 128 + signal number in a shell).
    /// - SIGBUS inside a ``MappedFile`` (its file was truncated by another program while being
    ///   read): one `ggufkit: error:` line naming the file and byte offset, temporaries deleted,
    ///   exit status 1 instead of a crash.
    /// - SIGXFSZ (a `ulimit -f` file-size limit) is ignored, so the write fails with EFBIG and the
    ///   usual error naming the output.
    public static func install() {
        ggufkit_cleanup_install()
    }
}
