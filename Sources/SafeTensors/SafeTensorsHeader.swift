import FileSupport

/// The validated framing and header of one safetensors file.
struct SafeTensorsHeader {
    /// Larger headers are refused before they are parsed; the reference
    /// implementation uses the same cap, so no legitimate file exceeds it.
    static let maximumLength = 100_000_000

    /// Headers and index files are at most three levels deep, so a cap well below the
    /// parser's default costs nothing and bounds what a hostile file can nest.
    static let jsonOptions = JSONParser.Options(maxDepth: 64)

    /// Sorted by data offset (then end, then name, so ties are deterministic).
    var tensors: [SafeTensorInfo]
    var metadata: [String: String]
    /// Absolute offset of the data section.
    var dataStart: Int

    /// Reads the length prefix and header of `file` (the whole mapped file) without
    /// touching the data section.
    static func parse(file: UnsafeRawBufferPointer, path: String) throws(SafeTensorsError) -> SafeTensorsHeader {
        var reader = ByteReader(file)
        guard let declaredLength = reader.read(UInt64.self) else {
            throw .fileTooShort(path: path, size: file.count)
        }
        let available = file.count - 8
        guard declaredLength <= UInt64(available) else {
            throw .headerLargerThanFile(path: path, headerLength: declaredLength, fileSize: file.count)
        }
        guard declaredLength <= UInt64(maximumLength) else {
            throw .headerTooLarge(path: path, headerLength: declaredLength, limit: maximumLength)
        }
        let length = Int(declaredLength)
        let headerBytes = UnsafeRawBufferPointer(rebasing: file[8 ..< 8 + length])
        if let bad = firstInvalidUTF8Offset(headerBytes) {
            throw .headerNotUTF8(path: path, offset: 8 + bad)
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(headerBytes, options: jsonOptions)
        } catch {
            throw .headerNotJSON(path: path, offset: 8 + error.offset, reason: error.reason)
        }
        guard case let .object(object) = root else { throw .headerNotObject(path: path, offset: 8) }
        let members = object.members

        let dataStart = 8 + length
        let decoder = TensorEntryDecoder(path: path, dataStart: dataStart, dataSize: file.count - dataStart)
        var tensors: [SafeTensorInfo] = []
        tensors.reserveCapacity(members.count)
        var metadata: [String: String]?
        var seen = Set<String>(minimumCapacity: members.count)
        for member in members {
            let offset = 8 + member.keyOffset
            if member.key == "__metadata__" {
                guard metadata == nil else {
                    throw .invalidMetadata(path: path, key: member.key, offset: offset, reason: "appears twice")
                }
                metadata = try decodeMetadata(member.value, path: path, offset: offset)
                continue
            }
            guard seen.insert(member.key).inserted else {
                throw .duplicateTensorName(path: path, tensor: member.key, offset: offset)
            }
            tensors.append(try decoder.decode(name: member.key, value: member.value, offset: offset))
        }
        tensors.sort { a, b in
            if a.fileOffset != b.fileOffset { return a.fileOffset < b.fileOffset }
            if a.byteCount != b.byteCount { return a.byteCount < b.byteCount }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        try checkOverlaps(tensors, path: path)
        return SafeTensorsHeader(tensors: tensors, metadata: metadata ?? [:], dataStart: dataStart)
    }

    /// With ranges sorted by start, two non-empty ranges overlap exactly when one starts
    /// before the furthest end seen so far. Empty tensors occupy no bytes and never overlap.
    private static func checkOverlaps(_ sorted: [SafeTensorInfo], path: String) throws(SafeTensorsError) {
        var furthest: SafeTensorInfo?
        for tensor in sorted where tensor.byteCount > 0 {
            if let previous = furthest {
                let previousEnd = previous.fileOffset + previous.byteCount
                if tensor.fileOffset < previousEnd {
                    throw .overlappingTensors(path: path, first: previous.name, second: tensor.name,
                                              offset: tensor.fileOffset)
                }
            }
            furthest = tensor
        }
    }

    private static func decodeMetadata(_ value: JSONValue, path: String,
                                       offset: Int) throws(SafeTensorsError) -> [String: String] {
        guard case let .object(object) = value else {
            throw .invalidMetadata(path: path, key: "__metadata__", offset: offset,
                                   reason: "is \(value.kindDescription), expected an object of strings")
        }
        var metadata: [String: String] = [:]
        for member in object.members {
            guard case let .string(text) = member.value else {
                throw .invalidMetadata(path: path, key: member.key, offset: 8 + member.keyOffset,
                                       reason: "value is \(member.value.kindDescription), expected a string")
            }
            guard metadata.updateValue(text, forKey: member.key) == nil else {
                throw .invalidMetadata(path: path, key: member.key, offset: 8 + member.keyOffset,
                                       reason: "appears twice")
            }
        }
        return metadata
    }
}
