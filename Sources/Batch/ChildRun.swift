import FileSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one child `ggufkit` ended.
public struct ChildResult: Sendable {
    /// The exit status, or `nil` when a signal ended it.
    public var exitStatus: Int32?
    public var signal: Int32?
    public var stdout: Data
    public var seconds: Double
    /// Peak resident memory of the child (`wait4`'s rusage), in bytes.
    public var maxResidentBytes: Int
    public var pid: pid_t
}

/// Runs `ggufkit` subcommands as child processes: each job gets its own address space (so its peak
/// memory is its own) and a failure or crash in one cannot corrupt the next. Standard output (the
/// job's JSON) is captured; standard error goes to a log file.
public final class ChildRunner: @unchecked Sendable {
    let executable: String
    private let lock = NSLock()
    private var running: pid_t = 0
    private var pendingSignal: Int32 = 0
    private var sources: [any DispatchSourceSignal] = []

    public init(executable: String) {
        self.executable = executable
    }

    /// The signal that interrupted the batch (SIGINT or SIGTERM), once one has.
    public var interruption: Int32? {
        lock.lock(); defer { lock.unlock() }
        return pendingSignal == 0 ? nil : pendingSignal
    }

    /// Catches SIGINT and SIGTERM: the running child gets the same signal (it leaves no output at
    /// its final path), and the batch stops after it instead of dying with records unwritten.
    public func handleInterrupts() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                if self.pendingSignal == 0 { self.pendingSignal = number }
                let child = self.running
                self.lock.unlock()
                if child > 0 { kill(child, number) }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs `arguments` in `directory`; the child's standard error is appended to `logPath`.
    public func run(_ arguments: [String], directory: String, logPath: String) throws(BatchError) -> ChildResult {
        let command = "ggufkit " + arguments.joined(separator: " ")
        let outPath = (NSTemporaryDirectory() as NSString).appendingPathComponent("ggufkit-batch-\(getpid())-\(UUID().uuidString).json")
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child must not inherit the batch's ignored SIGINT/SIGTERM.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let previous = FileManager.default.currentDirectoryPath
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            throw .cannotRun(command: command, reason: "cannot enter \(directory)")
        }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = Date()
        lock.lock()
        if pendingSignal != 0 {
            lock.unlock()
            throw .cannotRun(command: command, reason: "interrupted")
        }
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        if spawned == 0 { running = pid }
        lock.unlock()
        guard spawned == 0 else {
            throw .cannotRun(command: command, reason: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { break }
        }
        lock.lock()
        running = 0
        lock.unlock()
        let seconds = Date().timeIntervalSince(start)
        let termination = status & 0x7f
        #if canImport(Darwin)
        let maxResident = Int(usage.ru_maxrss)
        #else
        let maxResident = Int(usage.ru_maxrss) * 1024
        #endif
        return ChildResult(exitStatus: termination == 0 ? (status >> 8) & 0xff : nil,
                           signal: termination == 0 ? nil : termination,
                           stdout: readWholeFile(atPath: outPath) ?? Data(),
                           seconds: seconds, maxResidentBytes: maxResident, pid: pid)
    }
}
