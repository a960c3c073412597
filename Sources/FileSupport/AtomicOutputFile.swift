import CCleanupSignals
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An output file that only appears at its final path once it is complete.
///
/// Bytes go to a hidden temporary file in the destination folder (so the final
/// `rename` stays on one file system and is atomic). ``commit()`` renames it into
/// place; dropping the object without committing deletes the temporary file, so an
/// error or interruption never leaves a half-written output behind.
public final class AtomicOutputFile {
    public let finalPath: String
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 4 << 20
    private var committed = false
    private var cleanupSlot: Int32 = -1
    /// Bytes written so far, including bytes still buffered.
    public private(set) var bytesWritten: Int = 0
    /// Page-aligned staging for direct writes (``init(path:directIO:)``), filled to
    /// `stagedCount`; `nil` when writes go through the page cache.
    private var staging: UnsafeMutableRawBufferPointer?
    private var stagedCount = 0
    /// Whether `O_DIRECT` is on for `fd`.
    private var direct = false
    /// Direct writes move whole multiples of this many bytes, at offsets aligned to it.
    private static let directAlignment = 4096
    private static let stagingSize = 8 << 20

    /// Creates the temporary file for `path`. With `directIO`, where the file system allows it
    /// (Linux `O_DIRECT`), the bytes bypass the page cache: for multi-gigabyte outputs copying
    /// into the cache costs more than the disk write itself, and evicts the input being read.
    /// The bytes written are the same either way.
    public init(path: String, directIO: Bool = false) throws {
        finalPath = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileSupportError.cannotWrite(path: path, reason: "folder \(folder) does not exist")
        }
        Self.removeStaleTemporaries(of: path)
        let name = Self.temporaryPrefix(for: url.lastPathComponent) + "\(getpid()).\(UInt32.random(in: 0 ... .max)).partial"
        temporaryPath = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        // Remembered before it exists, so a signal arriving right after the file appears still
        // finds it (deleting a path that was never created is harmless).
        cleanupSlot = ggufkit_cleanup_remember(temporaryPath)
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let reason = systemErrorDescription()
            ggufkit_cleanup_forget(cleanupSlot)
            throw FileSupportError.cannotWrite(path: path, reason: reason)
        }
        if directIO, Self.setDirect(fd, true) {
            direct = true
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.stagingSize,
                                                            alignment: Self.directAlignment)
            staging = raw
        } else {
            buffer.reserveCapacity(bufferLimit)
        }
    }

    deinit {
        if !committed { discard() }
        staging?.deallocate()
    }

    /// Linux's `O_DIRECT`, which Glibc only declares under `_GNU_SOURCE` (so Swift does not
    /// see it); its value depends on the architecture. `nil` where it is not known.
    private static var directFlag: Int32? {
        #if os(Linux) && arch(x86_64)
        return 0o40000
        #elseif os(Linux) && arch(arm64)
        return 0o200000
        #else
        return nil
        #endif
    }

    /// Turns `O_DIRECT` on or off for `fd`; `false` where the platform or file system refuses.
    private static func setDirect(_ fd: Int32, _ on: Bool) -> Bool {
        guard let directFlag else { return false }
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0 else { return false }
        return fcntl(fd, F_SETFL, on ? flags | directFlag : flags & ~directFlag) == 0
    }

    /// Writes the staged bytes' aligned prefix directly and keeps the rest staged; with `all`,
    /// writes the unaligned rest too, through the page cache (which also ends direct writing).
    private func drainStaging(all: Bool) throws {
        guard let staging else { return }
        let aligned = stagedCount / Self.directAlignment * Self.directAlignment
        if aligned > 0 {
            try writeFully(UnsafeRawBufferPointer(rebasing: staging[0 ..< aligned]))
        }
        let rest = stagedCount - aligned
        if all {
            if direct { _ = Self.setDirect(fd, false) }
            direct = false
            if rest > 0 { try writeFully(UnsafeRawBufferPointer(rebasing: staging[aligned ..< stagedCount])) }
            staging.deallocate()
            self.staging = nil
            stagedCount = 0
            return
        }
        if rest > 0, aligned > 0 {
            staging.baseAddress!.copyMemory(from: staging.baseAddress! + aligned, byteCount: rest)
        }
        stagedCount = rest
    }

    /// Appends bytes. Small writes are buffered; large ones go straight to the file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        if let staging {
            var offset = 0
            while offset < bytes.count {
                let n = min(bytes.count - offset, staging.count - stagedCount)
                (staging.baseAddress! + stagedCount).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
                stagedCount += n
                offset += n
                if stagedCount == staging.count { try drainStaging(all: false) }
            }
            bytesWritten += bytes.count
            return
        }
        if buffer.count + bytes.count > bufferLimit {
            try flush()
        }
        if bytes.count >= bufferLimit {
            try writeFully(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        bytesWritten += bytes.count
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends `count` zero bytes (alignment padding).
    public func writeZeros(_ count: Int) throws {
        guard count > 0 else { return }
        try write([UInt8](repeating: 0, count: count))
    }

    /// Hands buffered bytes to the file system (with direct writes, all but an unaligned tail,
    /// which waits for more bytes or for ``close()``).
    public func flush() throws {
        if staging != nil { try drainStaging(all: false) }
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeFully($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeFully(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                // A direct write the file system will not take as it is (after a short write
                // left the offset unaligned, say): carry on through the page cache.
                if errno == EINVAL, direct {
                    direct = false
                    if Self.setDirect(fd, false) { continue }
                }
                throw FileSupportError.cannotWrite(path: finalPath, reason: systemErrorDescription())
            }
            done += n
        }
    }

    /// Flushes, closes and renames the temporary file to the final path.
    public func commit() throws {
        try close()
        try moveIntoPlace()
    }

    /// Flushes and closes the temporary file without moving it into place, so several files
    /// can all be complete before any of them appears (``commitAll(_:)``). Dropping the object
    /// afterwards still deletes the temporary file.
    public func close() throws {
        guard fd >= 0 else { return }
        try drainStaging(all: true)
        try flush()
        let result = Glibc.close(fd)
        fd = -1
        guard result == 0 else {
            throw FileSupportError.cannotWrite(path: finalPath, reason: systemErrorDescription())
        }
    }

    /// Commits several files as one: each is closed first, then all are renamed into place.
    /// If any step fails, the temporary files are deleted and the files already renamed are
    /// removed again, so either every output appears or none does.
    public static func commitAll(_ files: [AtomicOutputFile]) throws {
        do {
            for file in files { try file.close() }
        } catch {
            for file in files { file.discard() }
            throw error
        }
        var moved: [AtomicOutputFile] = []
        for file in files {
            do {
                try file.moveIntoPlace()
                moved.append(file)
            } catch {
                for done in moved { unlink(done.finalPath) }
                for file in files where !file.committed { file.discard() }
                throw error
            }
        }
    }

    private func moveIntoPlace() throws {
        guard rename(temporaryPath, finalPath) == 0 else {
            let reason = systemErrorDescription()
            unlink(temporaryPath)
            ggufkit_cleanup_forget(cleanupSlot)
            committed = true
            throw FileSupportError.cannotRename(from: temporaryPath, to: finalPath, reason: reason)
        }
        ggufkit_cleanup_forget(cleanupSlot)
        committed = true
    }

    /// Closes and deletes the temporary file without touching the final path.
    public func discard() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        unlink(temporaryPath)
        ggufkit_cleanup_forget(cleanupSlot)
        committed = true
    }

    /// Temporary files for `name` are `.<name>.<pid>.<random>.partial`.
    static func temporaryPrefix(for name: String) -> String {
        ".\(name)."
    }

    /// Deletes the temporary files for the output `path` left by processes that no longer run
    /// (killed with SIGKILL, or by a power cut). A live writer's file is never touched.
    public static func removeStaleTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(for: url.lastPathComponent)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".partial") {
            let middle = entry.dropFirst(prefix.count).dropLast(".partial".count)
            let fields = middle.split(separator: ".")
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, UInt32(fields[1]) != nil else { continue }
            if !mayBeWriting(pid) {
                unlink(folder + "/" + entry)
            }
        }
    }

    /// Whether process `pid` may still be writing a temporary file of ours. A killed process can
    /// linger as a zombie where nothing reaps orphans (PID 1 of a container), and its id can be
    /// reused by an unrelated program; neither is a writer.
    static func mayBeWriting(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].split(separator: " ").first == "Z" {
            return false
        }
        let command = readWholeFile(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: command, as: UTF8.self).contains("ggufkit")
        #else
        return true
        #endif
    }
}
