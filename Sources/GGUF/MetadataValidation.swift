/// Writer-side checks that metadata can be stored and read back by this package and llama.cpp.
enum MetadataValidation {
    /// Checks every key and value, and returns the data alignment the metadata asks for.
    static func validate(_ metadata: GGUFMetadata, path: String) throws(GGUFError) -> Int {
        for (key, value) in metadata {
            guard !key.isEmpty else {
                throw .invalidMetadata(path: path, key: key, reason: "keys must not be empty")
            }
            if let reason = problem(with: value) {
                throw .invalidMetadata(path: path, key: key, reason: reason)
            }
        }
        return try alignment(of: metadata, path: path)
    }

    static func alignment(of metadata: GGUFMetadata, path: String) throws(GGUFError) -> Int {
        guard let value = metadata[GGUFKey.alignment] else { return GGUFFormat.defaultAlignment }
        // llama.cpp only accepts uint32 here, so a wider integer would write an unloadable file.
        guard case let .uint32(raw) = value, GGUFFormat.isValidAlignment(Int(raw)) else {
            throw .invalidMetadata(path: path, key: GGUFKey.alignment,
                                   reason: "must be a uint32 non-zero power of two, not \(value.brief)")
        }
        return Int(raw)
    }

    /// Why `value` cannot be written, or `nil` when it can.
    private static func problem(with value: GGUFValue) -> String? {
        guard case let .array(elementType, elements) = value else { return nil }
        for (index, element) in elements.enumerated() {
            guard element.type == elementType else {
                return "element \(index) is \(element.type.name) in an array of \(elementType.name)"
            }
            guard case let .array(innerType, innerElements) = element else { continue }
            guard innerType != .array else {
                return "element \(index) nests arrays more than one level deep"
            }
            for (innerIndex, inner) in innerElements.enumerated() where inner.type != innerType {
                return "element \(index)[\(innerIndex)] is \(inner.type.name) in an array of \(innerType.name)"
            }
        }
        return nil
    }
}
