import Foundation

/// A scratch folder under the system temporary directory, removed with everything in it when
/// the value is released, so a failing test leaves nothing behind.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("ggufkit-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the folder (nothing is created).
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Creates (if needed) and returns a subfolder.
    public func folder(_ name: String) throws -> String {
        let sub = file(name)
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        return sub
    }

    /// Everything in the folder, sorted, hidden files (such as an atomic writer's temporary
    /// file) included.
    public var entries: [String] { TestSupport.entries(of: path) }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) throws -> String {
        let target = file(name)
        try writeBytes(bytes, to: target)
        return target
    }

    /// Writes `text` as UTF-8 to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes a JSON object literal to `name` (see ``writeJSON(_:to:)``) and returns its path.
    @discardableResult
    public func writeJSON(_ name: String, _ object: Any) throws -> String {
        let target = file(name)
        try TestSupport.writeJSON(object, to: target)
        return target
    }
}

/// Everything in `folder`, sorted, hidden files included; empty when it cannot be listed.
public func entries(of folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}
