import FileSupport

/// A GGUF file opened for reading: parsed metadata and tensor infos over a memory mapping.
///
/// Everything the header claims is validated when the file is opened (see ``GGUFError``),
/// so afterwards every tensor's data is known to lie inside the file, aligned and not
/// overlapping any other tensor. Tensor bytes are not read until asked for: ``data(for:)``
/// returns a view into the mapping, valid as long as this object lives.
public final class GGUFFile: @unchecked Sendable {
    // Immutable after init; the mapping is read-only. That is what makes sharing safe.

    /// The file this was read from.
    public let path: String
    /// The GGUF version in the header (2 or 3).
    public let version: UInt32
    /// All key-value pairs, in file order.
    public let metadata: GGUFMetadata
    /// Tensors in the order the file lists them.
    public let tensors: [GGUFTensorInfo]
    /// Data alignment from `general.alignment`, or 32.
    public let alignment: Int
    /// Absolute file offset of the data section; tensor offsets are relative to it.
    public let dataOffset: Int

    private let mapping: MappedFile
    private let tensorIndex: [String: Int]

    /// Opens, maps and validates `path`.
    public init(path: String) throws {
        self.path = path
        do {
            mapping = try MappedFile(path: path)
        } catch {
            throw GGUFError.fileSystem(path: path, reason: FileSupportError.detail(of: error))
        }
        var decoder = GGUFDecoder(bytes: mapping.bytes, path: path)

        let header = try Self.readHeader(&decoder)
        version = header.version
        let (metadata, alignmentEntryOffset) = try Self.readMetadata(&decoder, count: header.keyValueCount)
        self.metadata = metadata
        alignment = try Self.alignment(of: metadata, entryOffset: alignmentEntryOffset, path: path)

        let entries = try Self.readTensorInfos(&decoder, count: header.tensorCount)
        guard let dataStart = GGUFFormat.alignUp(decoder.offset, to: alignment) else {
            throw GGUFError.truncated(path: path, offset: decoder.offset, needed: alignment, what: "data section padding")
        }
        dataOffset = dataStart
        tensors = try TensorLayoutValidation.place(entries, dataOffset: dataStart, alignment: alignment,
                                                   fileSize: mapping.size, path: path)
        tensorIndex = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($1.name, $0) })
    }

    /// Size of the file in bytes.
    public var fileSize: Int { mapping.size }

    /// The tensor called `name`, if the file has one.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The raw bytes of a tensor of this file (without padding), viewed in the mapping.
    ///
    /// An info that does not belong to this file gives an empty buffer rather than
    /// bytes of some other tensor.
    public func data(for info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        guard let index = tensorIndex[info.name], tensors[index] == info,
              let bytes = try? mapping.bytes(offset: dataOffset + info.offset, length: info.byteCount)
        else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return bytes
    }

    /// The raw bytes of the tensor called `name`, or `nil` when there is none.
    public func data(named name: String) -> UnsafeRawBufferPointer? {
        tensor(named: name).map { data(for: $0) }
    }

    /// Hints the kernel to read a tensor's pages ahead (`willNeed`) or drop them once used.
    public func advise(_ info: GGUFTensorInfo, willNeed: Bool) {
        mapping.advise(offset: dataOffset + info.offset, length: info.byteCount, willNeed: willNeed)
    }

    // MARK: - Parsing steps

    private struct Header {
        let version: UInt32
        let tensorCount: Int
        let keyValueCount: Int
    }

    private static func readHeader(_ decoder: inout GGUFDecoder) throws(GGUFError) -> Header {
        let path = decoder.path
        let magic = try decoder.bytes(4, "magic")
        guard Array(magic) == GGUFFormat.magic else { throw .badMagic(path: path, found: Array(magic)) }
        let version = try decoder.read(UInt32.self, "version")
        guard GGUFFormat.readableVersions.contains(version) else {
            throw .unsupportedVersion(path: path, offset: 4, version: version)
        }
        let tensorCount = try decoder.read(UInt64.self, "tensor count")
        let keyValueCount = try decoder.read(UInt64.self, "metadata key-value count")

        // Both counts are checked against the bytes left before any array is sized by them.
        let remaining = decoder.remaining
        guard keyValueCount <= UInt64(remaining / GGUFFormat.minimumKeyValueBytes) else {
            throw .countTooLarge(path: path, offset: 16, what: "metadata key-value",
                                 count: keyValueCount, remainingBytes: remaining)
        }
        let afterKeyValues = remaining - Int(keyValueCount) * GGUFFormat.minimumKeyValueBytes
        guard tensorCount <= UInt64(afterKeyValues / GGUFFormat.minimumTensorInfoBytes) else {
            throw .countTooLarge(path: path, offset: 8, what: "tensor", count: tensorCount, remainingBytes: remaining)
        }
        return Header(version: version, tensorCount: Int(tensorCount), keyValueCount: Int(keyValueCount))
    }

    /// Reads all key-value pairs; also returns where `general.alignment` was, for error messages.
    private static func readMetadata(_ decoder: inout GGUFDecoder,
                                     count: Int) throws(GGUFError) -> (GGUFMetadata, Int?) {
        var metadata = GGUFMetadata()
        var alignmentOffset: Int?
        for index in 0 ..< count {
            let entryOffset = decoder.offset
            let key = try decoder.string("metadata key \(index)")
            guard !key.isEmpty else { throw .emptyKey(path: decoder.path, offset: entryOffset) }
            guard metadata[key] == nil else {
                throw .duplicateKey(path: decoder.path, offset: entryOffset, key: key)
            }
            let type = try decoder.valueType(key: key)
            metadata[key] = try decoder.value(of: type, key: key)
            if key == GGUFKey.alignment { alignmentOffset = entryOffset }
        }
        return (metadata, alignmentOffset)
    }

    private static func alignment(of metadata: GGUFMetadata, entryOffset: Int?,
                                  path: String) throws(GGUFError) -> Int {
        guard let value = metadata[GGUFKey.alignment] else { return GGUFFormat.defaultAlignment }
        guard case let .uint32(raw) = value, GGUFFormat.isValidAlignment(Int(raw)) else {
            throw .invalidAlignment(path: path, offset: entryOffset ?? 0, value: value)
        }
        return Int(raw)
    }

    private static func readTensorInfos(_ decoder: inout GGUFDecoder,
                                        count: Int) throws(GGUFError) -> [TensorInfoEntry] {
        let path = decoder.path
        var entries: [TensorInfoEntry] = []
        entries.reserveCapacity(count)
        var names = Set<String>()
        for index in 0 ..< count {
            let entryOffset = decoder.offset
            let name = try decoder.string("name of tensor \(index)")
            guard names.insert(name).inserted else {
                throw .duplicateTensorName(path: path, offset: entryOffset, name: name)
            }
            let dimensionCountOffset = decoder.offset
            let dimensionCount = try decoder.read(UInt32.self, "dimension count of '\(name)'")
            guard (1 ... UInt32(GGUFFormat.maxDimensions)).contains(dimensionCount) else {
                throw .invalidTensor(path: path, offset: dimensionCountOffset, name: name,
                                     problem: .dimensionCount(Int(dimensionCount)))
            }
            var dimensions: [Int] = []
            for axis in 0 ..< Int(dimensionCount) {
                let dimensionOffset = decoder.offset
                // ggml reads dimensions as int64, so values past Int64.max are negative there too.
                let raw = Int64(bitPattern: try decoder.read(UInt64.self, "dimension \(axis) of '\(name)'"))
                guard raw > 0 else {
                    throw .invalidTensor(path: path, offset: dimensionOffset, name: name,
                                         problem: .invalidDimension(index: axis, value: raw))
                }
                dimensions.append(Int(raw))
            }
            let typeOffset = decoder.offset
            let rawType = try decoder.read(UInt32.self, "type of '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(path: path, offset: typeOffset, name: name, rawType: rawType)
            }
            let size: TensorSize
            switch TensorShape.validate(name: name, dimensions: dimensions, type: type) {
            case let .valid(valid): size = valid
            case let .invalid(problem):
                throw .invalidTensor(path: path, offset: entryOffset, name: name, problem: problem)
            }
            let offsetFieldOffset = decoder.offset
            let dataOffset = try decoder.read(UInt64.self, "data offset of '\(name)'")
            entries.append(TensorInfoEntry(name: name, dimensions: dimensions, type: type, size: size,
                                           dataOffset: dataOffset, entryOffset: entryOffset,
                                           offsetFieldOffset: offsetFieldOffset))
        }
        return entries
    }
}
