import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private folder where inputs are written as the files the parsers open by path.
///
/// The parsers read real files (memory-mapped, or a folder of JSON files), so the fuzzer's bytes
/// are written to disk rather than handed over in memory; `/dev/shm` keeps that cheap.
public final class FuzzScratch {
    public let folder: String

    public init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        folder = base + "/ggufkit-fuzz-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes `bytes` to `name` inside the scratch folder and returns its path.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer, as name: String) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes a UTF-8 string to `name` inside the scratch folder.
    @discardableResult
    public func write(_ text: String, as name: String) throws -> String {
        let path = folder + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Removes `name` if present, so one input's files never leak into the next.
    public func remove(_ name: String) {
        unlink(folder + "/" + name)
    }
}
