import Foundation

/// Collects log lines from any thread (log closures are `@Sendable`).
public final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    public init() {}

    public var lines: [String] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }

    public func append(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        storage.append(line)
    }

    /// Whether any line contains `text`.
    public func contains(_ text: String) -> Bool { lines.contains { $0.contains(text) } }
}
