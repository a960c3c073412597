import CCleanupSignals
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors raised while opening, mapping or writing files.
public enum FileSupportError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotMap(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotRename(from: String, to: String, reason: String)
    case outOfBounds(path: String, offset: Int, length: Int, fileSize: Int)

    /// `error`'s message without the leading path when it is a ``FileSupportError``, for errors
    /// that wrap it and name the file themselves.
    public static func detail(of error: any Error) -> String {
        (error as? FileSupportError)?.detail ?? "\(error)"
    }

    /// The message without the leading path, for errors that already name the file.
    public var detail: String {
        switch self {
        case let .cannotOpen(_, reason): return "cannot open: \(reason)"
        case let .cannotMap(_, reason): return "cannot memory-map: \(reason)"
        case let .cannotWrite(_, reason): return "cannot write: \(reason)"
        case .cannotRename, .outOfBounds: return description
        }
    }

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .cannotMap(path, reason): return "\(path): cannot memory-map: \(reason)"
        case let .cannotWrite(path, reason): return "\(path): cannot write: \(reason)"
        case let .cannotRename(from, to, reason): return "cannot rename \(from) to \(to): \(reason)"
        case let .outOfBounds(path, offset, length, size):
            return "\(path): \(length) bytes at offset \(offset) run past the end of the file (\(size) bytes)"
        }
    }
}

func systemErrorDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// A read-only memory mapping of a whole file.
///
/// The mapping stays valid for the lifetime of the object, so buffers handed out by
/// ``bytes`` must not outlive it. Pages are loaded lazily by the kernel, which keeps the
/// resident set small when a large checkpoint is streamed tensor by tensor.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    private let base: UnsafeRawPointer?
    private var signalSlot: Int32 = -1

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileSupportError.cannotOpen(path: path, reason: systemErrorDescription()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw FileSupportError.cannotOpen(path: path, reason: systemErrorDescription())
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileSupportError.cannotOpen(path: path, reason: "not a regular file")
        }
        size = Int(info.st_size)
        if size == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw FileSupportError.cannotMap(path: path, reason: systemErrorDescription())
        }
        base = UnsafeRawPointer(mapped)
        // A file truncated while mapped raises SIGBUS on access; the handler names it.
        signalSlot = ggufkit_mapping_remember(mapped, size, path)
    }

    deinit {
        ggufkit_mapping_forget(signalSlot)
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// All bytes of the file.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: size)
    }

    /// `length` bytes starting at `offset`, bounds-checked against the file size.
    public func bytes(offset: Int, length: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, length >= 0, offset <= size, length <= size - offset else {
            throw FileSupportError.outOfBounds(path: path, offset: offset, length: length, fileSize: size)
        }
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }

    /// Tells the kernel that a range will be read soon, or is no longer needed.
    public func advise(offset: Int, length: Int, willNeed: Bool) {
        guard let base, length > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset / page * page
        let end = min(size, offset + length)
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start,
                    willNeed ? Int32(MADV_WILLNEED) : Int32(MADV_DONTNEED))
    }
}
