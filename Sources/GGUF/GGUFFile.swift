import FileSupport

/// A GGUF file opened for reading: parsed metadata and tensor infos over a memory mapping.
///
/// Everything the header claims is validated when the file is opened (see ``GGUFError``),
/// so afterwards every tensor's data is known to lie inside the file, aligned and not
/// overlapping any other tensor. Tensor bytes are not read until asked for: ``data(for:)``
/// returns a view into the mapping, valid as long as this object lives.
///
/// A model split into parts (``GGUFSplit``) is opened from its first part, as llama.cpp opens
/// it: the other parts are found by name and mapped too, ``metadata`` is the first part's, and
/// ``tensors`` lists every part's tensors in order.
public final class GGUFFile: @unchecked Sendable {
    // Immutable after init; the mappings are read-only. That is what makes sharing safe.

    /// The file this was read from (the first part of a split model).
    public let path: String
    /// The GGUF version in the header (2 or 3).
    public let version: UInt32
    /// All key-value pairs, in file order (the first part's, for a split model).
    public let metadata: GGUFMetadata
    /// Tensors in the order the file lists them (part after part, for a split model).
    public let tensors: [GGUFTensorInfo]
    /// Data alignment from `general.alignment`, or 32.
    public let alignment: Int
    /// Absolute file offset of the data section; tensor offsets are relative to it (to the data
    /// section of their own part, for a split model: see ``location(of:)``).
    public let dataOffset: Int
    /// The files the model is stored in: `[path]`, or every part of a split model in order.
    public var partPaths: [String] { parts.map(\.path) }

    private let parts: [Part]
    private let tensorIndex: [String: Int]
    /// For each tensor, the index of the part that holds it.
    private let tensorPart: [Int]

    /// Opens, maps and validates `path`, and the other parts when it is the first of a split model.
    ///
    /// With `openingParts` false only `path` itself is read, whichever part of a split model it
    /// is (for looking at the parts one by one).
    public init(path: String, openingParts: Bool = true) throws {
        let first = try Part(path: path)
        var parts = [first]
        if openingParts, let count = try Self.splitCount(of: first), count > 1 {
            parts += try Self.openOtherParts(after: first, count: count)
        }
        self.path = path
        version = first.version
        metadata = first.metadata
        alignment = first.alignment
        dataOffset = first.dataOffset
        self.parts = parts
        var tensors: [GGUFTensorInfo] = []
        var tensorPart: [Int] = []
        var index: [String: Int] = [:]
        for (partNumber, part) in parts.enumerated() {
            for info in part.tensors {
                guard index[info.name] == nil else {
                    throw GGUFError.splitFile(path: part.path, reason: "tensor '\(info.name)' is also in "
                        + "\(parts[tensorPart[index[info.name]!]].path)")
                }
                index[info.name] = tensors.count
                tensors.append(info)
                tensorPart.append(partNumber)
            }
        }
        if openingParts, parts.count > 1, let expected = first.metadata[GGUFSplit.tensorCountKey]?.intValue, expected != tensors.count {
            throw GGUFError.splitFile(path: path, reason: "\(GGUFSplit.tensorCountKey) is \(expected) but the "
                + "\(parts.count) parts hold \(tensors.count) tensors")
        }
        self.tensors = tensors
        self.tensorPart = tensorPart
        tensorIndex = index
    }

    /// Size of the file in bytes (of all parts together, for a split model).
    public var fileSize: Int { parts.reduce(0) { $0 + $1.mapping.size } }

    /// The tensor called `name`, if the file has one.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensors[$0] }
    }

    /// The file holding a tensor's data and the absolute offset of the data in it.
    public func location(of info: GGUFTensorInfo) -> (path: String, offset: Int)? {
        guard let part = part(of: info) else { return nil }
        return (part.path, part.dataOffset + info.offset)
    }

    /// The raw bytes of a tensor of this file (without padding), viewed in the mapping.
    ///
    /// An info that does not belong to this file gives an empty buffer rather than
    /// bytes of some other tensor.
    public func data(for info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        guard let part = part(of: info),
              let bytes = try? part.mapping.bytes(offset: part.dataOffset + info.offset, length: info.byteCount)
        else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return bytes
    }

    /// The raw bytes of the tensor called `name`, or `nil` when there is none.
    public func data(named name: String) -> UnsafeRawBufferPointer? {
        tensor(named: name).map { data(for: $0) }
    }

    /// Hints the kernel to read a tensor's pages ahead (`willNeed`) or drop them once used.
    public func advise(_ info: GGUFTensorInfo, willNeed: Bool) {
        guard let part = part(of: info) else { return }
        part.mapping.advise(offset: part.dataOffset + info.offset, length: info.byteCount, willNeed: willNeed)
    }

    private func part(of info: GGUFTensorInfo) -> Part? {
        guard let index = tensorIndex[info.name], tensors[index] == info else { return nil }
        return parts[tensorPart[index]]
    }

    // MARK: - Split models

    /// One GGUF file on disk: a whole model or one part of a split one.
    private final class Part {
        let path: String
        let version: UInt32
        let metadata: GGUFMetadata
        let tensors: [GGUFTensorInfo]
        let alignment: Int
        let dataOffset: Int
        let mapping: MappedFile

        init(path: String) throws {
            self.path = path
            do {
                mapping = try MappedFile(path: path)
            } catch {
                throw GGUFError.fileSystem(path: path, reason: FileSupportError.detail(of: error))
            }
            var decoder = GGUFDecoder(bytes: mapping.bytes, path: path)

            let header = try GGUFFile.readHeader(&decoder)
            version = header.version
            let (metadata, alignmentEntryOffset) = try GGUFFile.readMetadata(&decoder, count: header.keyValueCount)
            self.metadata = metadata
            alignment = try GGUFFile.alignment(of: metadata, entryOffset: alignmentEntryOffset, path: path)

            let entries = try GGUFFile.readTensorInfos(&decoder, count: header.tensorCount)
            guard let dataStart = GGUFFormat.alignUp(decoder.offset, to: alignment) else {
                throw GGUFError.truncated(path: path, offset: decoder.offset, needed: alignment, what: "data section padding")
            }
            dataOffset = dataStart
            tensors = try TensorLayoutValidation.place(entries, dataOffset: dataStart, alignment: alignment,
                                                       fileSize: mapping.size, path: path)
        }

        /// `split.no`, when the part has one.
        func splitNumber() throws(GGUFError) -> Int? {
            guard let value = metadata[GGUFSplit.numberKey] else { return nil }
            guard let number = value.intValue, number >= 0 else {
                throw .splitFile(path: path, reason: "\(GGUFSplit.numberKey) is \(value.brief), not a part number")
            }
            return number
        }
    }

    /// `split.count` of a file, checked; `nil` when the file is not part of a split model.
    private static func splitCount(of part: Part) throws(GGUFError) -> Int? {
        guard let value = part.metadata[GGUFSplit.countKey] else { return nil }
        guard let count = value.intValue, (1 ... GGUFSplit.maxParts).contains(count) else {
            throw .splitFile(path: part.path, reason: "\(GGUFSplit.countKey) is \(value.brief), not a part count")
        }
        guard count > 1 else { return count }
        let number = try part.splitNumber() ?? 0
        guard number == 0 else {
            let first = GGUFSplit.prefix(ofPart: part.path, index: number, count: count)
                .map { " (\(GGUFSplit.partPath(prefix: $0, index: 0, count: count)))" } ?? ""
            throw .splitFile(path: part.path, reason: "this is part \(number + 1) of \(count) of a split model; "
                + "open its first part\(first)")
        }
        return count
    }

    /// Parts 2 and later of a model whose first part is `first`, found by llama.cpp's naming.
    private static func openOtherParts(after first: Part, count: Int) throws -> [Part] {
        guard let prefix = GGUFSplit.prefix(ofPart: first.path, index: 0, count: count) else {
            throw GGUFError.splitFile(path: first.path, reason: "the first of \(count) parts of a split model must be "
                + "named \(GGUFSplit.partPath(prefix: "NAME", index: 0, count: count)) so the other parts can be found")
        }
        var parts: [Part] = []
        for index in 1 ..< count {
            let partPath = GGUFSplit.partPath(prefix: prefix, index: index, count: count)
            let part: Part
            do {
                part = try Part(path: partPath)
            } catch let GGUFError.fileSystem(_, reason) {
                throw GGUFError.splitFile(path: partPath, reason: "part \(index + 1) of \(count) of \(first.path) "
                    + "cannot be opened: \(reason)")
            }
            let number = try part.splitNumber()
            guard number == index else {
                throw GGUFError.splitFile(path: partPath, reason: "\(GGUFSplit.numberKey) is "
                    + "\(number.map(String.init) ?? "missing") where part \(index) (counting from 0) was expected")
            }
            parts.append(part)
        }
        return parts
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
