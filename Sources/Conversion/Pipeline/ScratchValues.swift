import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Values a pass computed for one tensor, kept in a temporary file and memory-mapped.
///
/// A pass that rewrites every matrix of a 7B model would otherwise hold 27 GB of F32 in RAM;
/// here the values live in file pages the kernel can drop and read back, so resident memory
/// stays near one layer's worth. Regions are immutable once written.
public final class ScratchValues: @unchecked Sendable {
    // @unchecked: the mapping is read-only and never changes after init.
    private let mapping: UnsafeMutableRawPointer
    private let mappingLength: Int
    /// Number of F32 values.
    public let count: Int

    init(mapping: UnsafeMutableRawPointer, mappingLength: Int, count: Int) {
        self.mapping = mapping
        self.mappingLength = mappingLength
        self.count = count
    }

    deinit { munmap(mapping, mappingLength) }

    /// The values as stored bytes (F32, little-endian).
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: mapping, count: count * 4)
    }

    /// Lets the kernel drop the pages once they have been read (they are read back on demand).
    public func releasePages() {
        _ = madvise(mapping, mappingLength, Int32(MADV_DONTNEED))
    }
}

/// An unlinked temporary file that ``ScratchValues`` regions are appended to: it has no name
/// from the moment it is created, so nothing is left behind however the process ends.
final class ScratchFile: @unchecked Sendable {
    // @unchecked: appends are serialised by the lock.
    private let descriptor: Int32
    private let directory: String
    private var end = 0
    private let lock = NSLock()
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    init(directory: String) throws {
        self.directory = directory
        var template = Array((directory + "/.ggufkit-scratch-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw ConversionError.scratchFailed(directory: directory, reason: String(cString: strerror(errno)))
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(path)
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Writes `values` at the next page boundary and maps them back read-only.
    func store(_ values: UnsafeBufferPointer<Float>) throws -> ScratchValues {
        lock.lock(); defer { lock.unlock() }
        let length = max(values.count * 4, 1)
        let start = end
        var written = 0
        let raw = UnsafeRawBufferPointer(values)
        while written < raw.count {
            let n = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(start + written))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "short write"
                throw ConversionError.scratchFailed(directory: directory, reason: reason)
            }
            written += n
        }
        if raw.isEmpty, ftruncate(descriptor, off_t(start + 1)) != 0 {
            throw ConversionError.scratchFailed(directory: directory, reason: String(cString: strerror(errno)))
        }
        end = (start + length + Self.pageSize - 1) / Self.pageSize * Self.pageSize
        guard let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, off_t(start)),
              mapping != MAP_FAILED else {
            throw ConversionError.scratchFailed(directory: directory, reason: String(cString: strerror(errno)))
        }
        return ScratchValues(mapping: mapping, mappingLength: length, count: values.count)
    }
}
