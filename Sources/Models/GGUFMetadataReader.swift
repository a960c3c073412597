import GGUF

/// Typed, validating access to a GGUF file's metadata.
///
/// Every value comes from an untrusted file, so each getter checks the type (and, for counts,
/// the range) and throws ``ModelsError`` naming the key instead of trapping or guessing.
/// Integer getters accept any GGUF integer type, number getters any numeric type.
public struct GGUFMetadataReader: Sendable {
    public let metadata: GGUFMetadata
    /// The file the metadata came from, for errors.
    public let source: String

    public init(metadata: GGUFMetadata, source: String) {
        self.metadata = metadata
        self.source = source
    }

    public func has(_ key: String) -> Bool { metadata[key] != nil }

    /// The value of a key that must be present.
    public func value(_ key: String) throws(ModelsError) -> GGUFValue {
        guard let value = metadata[key] else { throw .missingMetadata(source: source, key: key) }
        return value
    }

    public func string(_ key: String) throws(ModelsError) -> String {
        guard let text = try optionalString(key) else { throw .missingMetadata(source: source, key: key) }
        return text
    }

    public func optionalString(_ key: String) throws(ModelsError) -> String? {
        guard let value = metadata[key] else { return nil }
        guard let text = value.stringValue else { throw wrongType(key, "a string", found: value) }
        return text
    }

    /// A non-negative integer at most `limit` that must be present.
    public func count(_ key: String, max limit: Int = Int(UInt32.max)) throws(ModelsError) -> Int {
        guard let number = try optionalCount(key, max: limit) else { throw .missingMetadata(source: source, key: key) }
        return number
    }

    /// A non-negative integer at most `limit`, or `nil` when absent.
    public func optionalCount(_ key: String, max limit: Int = Int(UInt32.max)) throws(ModelsError) -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let number = value.intValue else { throw wrongType(key, "an integer", found: value) }
        guard number >= 0, number <= limit else {
            throw .invalidMetadata(source: source, key: key, reason: "\(number) is outside 0...\(limit)")
        }
        return number
    }

    public func double(_ key: String) throws(ModelsError) -> Double {
        guard let number = try optionalDouble(key) else { throw .missingMetadata(source: source, key: key) }
        return number
    }

    public func optionalDouble(_ key: String) throws(ModelsError) -> Double? {
        guard let value = metadata[key] else { return nil }
        guard let number = value.doubleValue else { throw wrongType(key, "a number", found: value) }
        return number
    }

    /// A number narrowed to `Float` (float32 values exactly as stored), or `nil` when absent.
    public func optionalFloat(_ key: String) throws(ModelsError) -> Float? {
        try optionalDouble(key).map(Float.init)
    }

    public func optionalBool(_ key: String) throws(ModelsError) -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let flag = value.boolValue else { throw wrongType(key, "a bool", found: value) }
        return flag
    }

    /// A string array, or `nil` when absent.
    public func optionalStrings(_ key: String) throws(ModelsError) -> [String]? {
        try optionalArray(key, of: "strings") { $0.stringValue }
    }

    /// An integer array of any element integer type, or `nil` when absent.
    public func optionalIntegers(_ key: String) throws(ModelsError) -> [Int]? {
        try optionalArray(key, of: "integers") { $0.intValue }
    }

    /// A number array narrowed to `Float`, or `nil` when absent.
    public func optionalFloats(_ key: String) throws(ModelsError) -> [Float]? {
        try optionalArray(key, of: "numbers") { $0.doubleValue.map(Float.init) }
    }

    /// A per-layer value that must be present: one integer for every layer, or an array with
    /// exactly one integer per layer (llama.cpp's two forms).
    public func perLayer(_ key: String, layers: Int) throws(ModelsError) -> [Int] {
        let raw = try value(key)
        if let single = raw.intValue { return Array(repeating: single, count: layers) }
        guard let items = try optionalIntegers(key) else { throw wrongType(key, "an integer", found: raw) }
        guard items.count == layers else {
            throw .invalidMetadata(source: source, key: key, reason: "array has \(items.count) values for \(layers) layers")
        }
        return items
    }

    /// An array whose every element `convert` accepts, or `nil` when the key is absent.
    private func optionalArray<Element>(_ key: String, of kind: String,
                                        _ convert: (GGUFValue) -> Element?) throws(ModelsError) -> [Element]? {
        guard let value = metadata[key] else { return nil }
        guard let items = value.arrayValue else { throw wrongType(key, "an array of \(kind)", found: value) }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items {
            guard let element = convert(item) else { throw wrongType(key, "an array of \(kind)", found: value) }
            elements.append(element)
        }
        return elements
    }

    private func wrongType(_ key: String, _ expected: String, found: GGUFValue) -> ModelsError {
        .invalidMetadata(source: source, key: key, reason: "expected \(expected), found \(found.type)")
    }
}
