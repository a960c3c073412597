import FileSupport

/// One memory-mapped `.safetensors` file.
///
/// Opening maps the file and parses only the header; tensor bytes are paged in by the
/// kernel when a caller first reads them, so opening a multi-gigabyte shard is as cheap
/// as opening a small one.
public final class SafeTensorsFile: @unchecked Sendable {
    // @unchecked: all stored state is immutable after init and the mapping is read-only.

    public let path: String
    /// Every tensor, sorted by data offset.
    public let tensors: [SafeTensorInfo]
    /// The string pairs stored under `__metadata__` (empty when absent).
    public let metadata: [String: String]
    /// Absolute offset of the data section (8 + header length).
    public let dataStart: Int
    /// Size of the file in bytes.
    public var fileSize: Int { mapping.size }

    private let mapping: MappedFile
    private let indexByName: [String: Int]

    /// Maps `path` and validates its header and every tensor's byte range.
    public init(path: String) throws(SafeTensorsError) {
        do {
            mapping = try MappedFile(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
        let header = try SafeTensorsHeader.parse(file: mapping.bytes, path: path)
        self.path = path
        tensors = header.tensors
        metadata = header.metadata
        dataStart = header.dataStart
        var index: [String: Int] = [:]
        index.reserveCapacity(header.tensors.count)
        for (position, tensor) in header.tensors.enumerated() {
            index[tensor.name] = position
        }
        indexByName = index
    }

    /// The tensor called `name`, or `nil`.
    public func info(named name: String) -> SafeTensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// The raw little-endian bytes of `info`, valid while this object is alive.
    ///
    /// `info` must come from this file; an info describing another file, or a range this
    /// file does not hold, yields an empty buffer rather than bytes of the wrong tensor.
    public func data(for info: SafeTensorInfo) -> UnsafeRawBufferPointer {
        guard info.filePath == path, let bytes = try? mapping.bytes(offset: info.fileOffset, length: info.byteCount)
        else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return bytes
    }

    /// The raw bytes of the tensor called `name`.
    public func data(named name: String) throws(SafeTensorsError) -> UnsafeRawBufferPointer {
        guard let info = info(named: name) else { throw .tensorNotFound(name: name, location: path) }
        return data(for: info)
    }

    /// Calls `body` with the bytes of the tensor called `name`, keeping the mapping alive
    /// for the duration of the call even when this object is otherwise unused.
    public func withData<R>(named name: String,
                            _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let bytes = try data(named: name)
        return try withExtendedLifetime(self) { try body(bytes) }
    }

    /// Hints the kernel to read `info`'s pages ahead (`willNeed: true`) or to drop them
    /// once converted (`false`), which keeps resident memory flat across a large checkpoint.
    public func advise(_ info: SafeTensorInfo, willNeed: Bool) {
        guard info.filePath == path else { return }
        mapping.advise(offset: info.fileOffset, length: info.byteCount, willNeed: willNeed)
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case let FileSupportError.cannotOpen(_, reason), let FileSupportError.cannotMap(_, reason):
            return reason
        default:
            return String(describing: error)
        }
    }
}
