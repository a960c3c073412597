/// Where one tensor lives and how to interpret its bytes.
///
/// Every field has been validated against the file it came from: the byte range is
/// inside the data section, does not overlap another tensor, and matches
/// `elementCount * dtype.byteSize`. The data is not necessarily aligned for its
/// element type, so read it with `loadUnaligned` or copy it.
public struct SafeTensorInfo: Sendable, Hashable {
    public let name: String
    public let dtype: SafeTensorsDType
    /// Dimensions in the file's (row-major, outermost first) order; `[]` is a scalar.
    public let shape: [Int]
    public let elementCount: Int
    public let byteCount: Int
    /// Absolute offset of the first data byte in ``filePath``.
    public let fileOffset: Int
    public let filePath: String

    public init(name: String, dtype: SafeTensorsDType, shape: [Int], elementCount: Int,
                byteCount: Int, fileOffset: Int, filePath: String) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.elementCount = elementCount
        self.byteCount = byteCount
        self.fileOffset = fileOffset
        self.filePath = filePath
    }
}
