import FileSupport

/// The `weight_map` of a `model.safetensors.index.json`: which shard holds each tensor.
struct ShardIndex {
    /// Index files are a few hundred kilobytes even for the largest models.
    static let maximumLength = 100_000_000

    struct Entry {
        let tensor: String
        let shard: String
    }

    let path: String
    /// In the order the index lists them.
    let entries: [Entry]

    init(path: String) throws(SafeTensorsError) {
        self.path = path
        let mapping: MappedFile
        do {
            mapping = try MappedFile(path: path)
        } catch {
            throw .cannotOpen(path: path, reason: SafeTensorsFile.reason(error))
        }
        guard mapping.size <= Self.maximumLength else {
            throw .indexMalformed(path: path, offset: 0,
                                  reason: "\(mapping.size) bytes exceeds the \(Self.maximumLength)-byte limit")
        }
        let bytes = mapping.bytes
        if let bad = firstInvalidUTF8Offset(bytes) {
            throw .indexMalformed(path: path, offset: bad, reason: "not valid UTF-8")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes, options: SafeTensorsHeader.jsonOptions)
        } catch {
            throw .indexMalformed(path: path, offset: error.offset, reason: error.reason)
        }
        guard case let .object(object) = root else {
            throw .indexMalformed(path: path, offset: 0, reason: "top level is \(root.kindDescription), not an object")
        }
        let weightMaps = object.members.filter { $0.key == "weight_map" }
        guard let weightMap = weightMaps.first else {
            throw .indexMalformed(path: path, offset: 0, reason: "no \"weight_map\" member")
        }
        guard weightMaps.count == 1 else {
            throw .indexMalformed(path: path, offset: weightMaps[1].keyOffset, reason: "\"weight_map\" appears twice")
        }
        guard case let .object(map) = weightMap.value else {
            throw .indexMalformed(path: path, offset: weightMap.keyOffset,
                                  reason: "\"weight_map\" is \(weightMap.value.kindDescription), not an object")
        }
        let mapMembers = map.members
        guard !mapMembers.isEmpty else {
            throw .indexMalformed(path: path, offset: weightMap.keyOffset, reason: "\"weight_map\" is empty")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(mapMembers.count)
        var seen = Set<String>(minimumCapacity: mapMembers.count)
        for member in mapMembers {
            guard case let .string(shard) = member.value else {
                throw .indexMalformed(path: path, offset: member.keyOffset,
                                      reason: "shard for '\(member.key)' is \(member.value.kindDescription), "
                                          + "not a string")
            }
            guard seen.insert(member.key).inserted else {
                throw .indexMalformed(path: path, offset: member.keyOffset,
                                      reason: "tensor '\(member.key)' is listed twice")
            }
            guard Self.isPlainFileName(shard) else {
                throw .invalidShardName(indexPath: path, shard: shard, tensor: member.key)
            }
            entries.append(Entry(tensor: member.key, shard: shard))
        }
        self.entries = entries
    }

    /// Shard names come from an untrusted file, so they may only name files inside the
    /// checkpoint folder: no separators, no `.`/`..`, nothing the OS would truncate.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
    }
}
