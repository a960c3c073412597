/// Fixed numbers of the GGUF container format, shared by the reader and the writer.
public enum GGUFFormat {
    /// The four bytes every GGUF file starts with.
    public static let magic: [UInt8] = Array("GGUF".utf8)

    /// The version this package writes.
    public static let version: UInt32 = 3

    /// Versions the reader accepts. Version 2 has the same layout as 3 (3 only added
    /// big-endian files); version 1 used 32-bit counts and is long obsolete.
    public static let readableVersions: ClosedRange<UInt32> = 2 ... 3

    /// Data alignment used when `general.alignment` is absent.
    public static let defaultAlignment = 32

    /// ggml tensors have at most four dimensions (`GGML_MAX_DIMS`).
    public static let maxDimensions = 4

    /// ggml keeps tensor names in a 64-byte C buffer including the terminating NUL
    /// (`GGML_MAX_NAME`), so llama.cpp refuses longer names.
    public static let maxTensorNameBytes = 63

    /// Bytes of the fixed header: magic, version, tensor count, key-value count.
    static let headerSize = 24

    /// Lower bounds used to reject absurd counts before allocating anything: a key-value
    /// pair needs at least a key length and a value type; a tensor info at least a name
    /// length, a dimension count, a type and an offset.
    static let minimumKeyValueBytes = 12
    static let minimumTensorInfoBytes = 24

    /// Most metadata array elements, summed over all keys, the reader will decode. Each
    /// element becomes a ``GGUFValue`` of 17 bytes or more however small it is in the file,
    /// so without a cap a hostile file could turn 1 GB of uint8s into tens of GB of memory.
    /// Real tokenizers need about a million; this leaves a wide margin.
    public static let maxMetadataElements = 1 << 24

    /// Whether `value` can be used as a data alignment (a non-zero power of two).
    public static func isValidAlignment(_ value: Int) -> Bool {
        value > 0 && value & (value - 1) == 0
    }

    /// `value` rounded up to a multiple of `alignment` (a power of two), or `nil` on overflow.
    static func alignUp(_ value: Int, to alignment: Int) -> Int? {
        let (sum, overflow) = value.addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum & ~(alignment - 1)
    }
}
