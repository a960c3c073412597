import FileSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The export's output folder, built as `<target>.partial-XXXXXX` beside the target and
/// renamed into place only when every file is written, so a failed or interrupted export
/// never leaves a folder that looks like a usable checkpoint.
final class OutputFolder {
    let target: String
    let partial: String
    private let overwrite: Bool
    private var finished = false

    /// Checks the target and creates the partial folder.
    ///
    /// - Throws: ``ExportError/targetNotADirectory(path:)`` when the target is a file,
    ///   ``ExportError/targetNotEmpty(path:)`` when it is a non-empty folder and `overwrite` is off.
    init(target rawTarget: String, overwrite: Bool) throws {
        var target = rawTarget
        while target.count > 1, target.hasSuffix("/") { target.removeLast() }
        self.target = target
        self.overwrite = overwrite
        try Self.checkTarget(target, overwrite: overwrite)
        let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ExportError.cannotWrite(path: parent, reason: error.localizedDescription)
        }
        partial = try Self.makeUniqueDirectory(prefix: target + ".partial-")
    }

    deinit {
        if !finished { discard() }
    }

    /// A path inside the partial folder.
    func path(_ name: String) -> String {
        URL(fileURLWithPath: partial).appendingPathComponent(name).path
    }

    /// Moves the finished folder to the target, replacing an existing one only when allowed.
    func commit() throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: target, isDirectory: &isDirectory)
        let isEmpty = exists && isDirectory.boolValue && ((try? manager.contentsOfDirectory(atPath: target))?.isEmpty ?? false)
        if !exists || isEmpty {
            // rename(2) replaces an empty folder atomically.
            try move(partial, to: target)
        } else {
            guard overwrite else { throw ExportError.targetNotEmpty(path: target) }
            guard isDirectory.boolValue else { throw ExportError.targetNotADirectory(path: target) }
            let old = try Self.makeUniqueDirectory(prefix: target + ".old-")
            try move(target, to: old)
            do {
                try move(partial, to: target)
            } catch {
                try? move(old, to: target)
                throw error
            }
            try? manager.removeItem(atPath: old)
        }
        finished = true
    }

    /// Deletes the partial folder and everything in it.
    func discard() {
        try? FileManager.default.removeItem(atPath: partial)
        finished = true
    }

    /// Writes a small file atomically (temporary file + rename).
    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        do {
            let file = try AtomicOutputFile(path: path)
            try file.write(bytes)
            try file.commit()
        } catch {
            throw ExportError.cannotWrite(path: path, reason: FileSupportError.detail(of: error))
        }
    }

    private func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else {
            throw ExportError.cannotWrite(path: to, reason: "cannot rename \(from): \(String(cString: strerror(errno)))")
        }
    }

    private static func checkTarget(_ target: String, overwrite: Bool) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ExportError.targetNotADirectory(path: target) }
        let contents: [String]
        do {
            contents = try FileManager.default.contentsOfDirectory(atPath: target)
        } catch {
            throw ExportError.cannotWrite(path: target, reason: error.localizedDescription)
        }
        if !contents.isEmpty, !overwrite { throw ExportError.targetNotEmpty(path: target) }
    }

    /// `mkdir` with a random suffix rather than `mkdtemp`, so the folder gets the usual
    /// umask-derived permissions instead of 0700 once it is renamed into place.
    private static func makeUniqueDirectory(prefix: String) throws -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        for _ in 0 ..< 100 {
            let path = prefix + String((0 ..< 6).map { _ in alphabet.randomElement()! })
            if mkdir(path, 0o777) == 0 { return path }
            guard errno == EEXIST else {
                throw ExportError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
        }
        throw ExportError.cannotWrite(path: prefix + "XXXXXX", reason: "no unused folder name found")
    }
}
