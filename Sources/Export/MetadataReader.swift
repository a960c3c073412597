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
        guard let value = metadata[key] else { return nil }
        guard case let .array(.string, items) = value else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an array of strings")
        }
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            guard let text = item.stringValue else {
                throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an array of strings")
            }
            strings.append(text)
        }
        return strings
    }

    /// An integer array of any element integer type, or `nil` when absent.
    func optionalIntegers(_ key: String) throws -> [Int]? {
        guard let value = metadata[key] else { return nil }
        guard let items = value.arrayValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an array of integers")
        }
        var numbers: [Int] = []
        numbers.reserveCapacity(items.count)
        for item in items {
            guard let number = item.intValue else {
                throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an array of integers")
            }
            numbers.append(number)
        }
        return numbers
    }

    /// A float array (float32 or float64 elements), or `nil` when absent.
    func optionalFloats(_ key: String) throws -> [Float]? {
        guard let value = metadata[key] else { return nil }
        guard let items = value.arrayValue else {
            throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an array of numbers")
        }
        var numbers: [Float] = []
        numbers.reserveCapacity(items.count)
        for item in items {
            if case let .float32(number) = item {
                numbers.append(number)
            } else if let number = item.doubleValue {
                numbers.append(Float(number))
            } else {
                throw ExportError.invalidMetadata(path: path, key: key, reason: "expected an array of numbers")
            }
        }
        return numbers
    }
}
