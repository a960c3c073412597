import GGUF

/// Typed, validating access to a GGUF file's metadata.
///
/// Every value comes from an untrusted file, so each getter checks the type and range and
/// throws an ``ExportError`` naming the key instead of trapping or guessing.
struct MetadataReader {
    let path: String
    let metadata: GGUFMetadata

    func has(_ key: String) -> Bool { metadata[key] != nil }

    /// A non-negative integer of any integer type, or `nil` when absent.
    func optionalCount(_ key: String, max limit: Int = Int(UInt32.max)) throws -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let number = value.intValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an integer, found \(value.type)")
        }
        guard number >= 0, number <= limit else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "\(number) is outside 0...\(limit)")
        }
        return number
    }

    /// A positive integer that must be present.
    func positiveCount(_ key: String, max limit: Int = Int(UInt32.max)) throws -> Int {
        guard let number = try optionalCount(key, max: limit) else {
            throw ExportError.missingMetadata(path: path, key: key)
        }
        guard number > 0 else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "must be positive")
        }
        return number
    }

    /// A float32 (or any number, narrowed) value, or `nil` when absent.
    func optionalFloat(_ key: String) throws -> Float? {
        guard let value = metadata[key] else { return nil }
        if case let .float32(number) = value { return number }
        guard let number = value.doubleValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected a number, found \(value.type)")
        }
        return Float(number)
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = metadata[key] else { return nil }
        guard let text = value.stringValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected a string, found \(value.type)")
        }
        return text
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let flag = value.boolValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected a bool, found \(value.type)")
        }
        return flag
    }

    /// A string array, or `nil` when absent.
    func optionalStrings(_ key: String) throws -> [String]? {
        try optionalArray(key, of: "strings") { $0.stringValue }
    }

    /// An integer array of any element integer type, or `nil` when absent.
    func optionalIntegers(_ key: String) throws -> [Int]? {
        try optionalArray(key, of: "integers") { $0.intValue }
    }

    /// A float array (float32 or float64 elements), or `nil` when absent.
    func optionalFloats(_ key: String) throws -> [Float]? {
        try optionalArray(key, of: "numbers") { item in
            if case let .float32(number) = item { return number }
            return item.doubleValue.map(Float.init)
        }
    }

    /// An array whose every element `convert` accepts, or `nil` when the key is absent.
    private func optionalArray<Element>(_ key: String, of kind: String,
                                        _ convert: (GGUFValue) -> Element?) throws -> [Element]? {
        guard let value = metadata[key] else { return nil }
        let reason = "expected an array of \(kind)"
        guard let items = value.arrayValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: reason)
        }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items {
            guard let element = convert(item) else {
                throw ExportError.invalidMetadata(path: path, key: key, reason: reason)
            }
            elements.append(element)
        }
        return elements
    }
}
