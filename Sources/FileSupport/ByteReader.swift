/// A bounds-checked little-endian cursor over untrusted bytes.
///
/// Every read checks the remaining length first and returns `nil` rather than trapping,
/// so parsers can turn a short read into an error that names the offset.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { return nil }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    public mutating func readFloat() -> Float? {
        read(UInt32.self).map { Float(bitPattern: $0) }
    }

    public mutating func readDouble() -> Double? {
        read(UInt64.self).map { Double(bitPattern: $0) }
    }

    /// The next `count` bytes, or `nil` when fewer remain.
    public mutating func readBytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, remaining >= count else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
        offset += count
        return slice
    }

    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        offset += count
        return true
    }
}
