import GGUF

/// Typed, validated reads of `tokenizer.*` keys; every failure names the key.
struct MetadataFields {
    let metadata: GGUFMetadata

    func string(_ key: String) throws(TokenizersError) -> String? {
        guard let value = metadata[key] else { return nil }
        guard let text = value.stringValue else { throw .invalidMetadata(key: key, index: nil, reason: "expected a string, found \(value.type)") }
        return text
    }

    func bool(_ key: String) throws(TokenizersError) -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let flag = value.boolValue else { throw .invalidMetadata(key: key, index: nil, reason: "expected a bool, found \(value.type)") }
        return flag
    }

    /// A non-negative integer of any integer type (llama.cpp stores ids as uint32).
    func tokenID(_ key: String) throws(TokenizersError) -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let id = value.intValue, id >= 0 else {
            throw .invalidMetadata(key: key, index: nil, reason: "expected a non-negative integer id, found \(value)")
        }
        return id
    }

    func strings(_ key: String) throws(TokenizersError) -> [String]? {
        guard let value = metadata[key] else { return nil }
        guard case let .array(.string, elements) = value else {
            throw .invalidMetadata(key: key, index: nil, reason: "expected an array of strings, found \(Self.describe(value))")
        }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case let .string(text) = element else {
                throw .invalidMetadata(key: key, index: index, reason: "expected a string, found \(element.type)")
            }
            result.append(text)
        }
        return result
    }

    /// `tokenizer.ggml.scores`: float32, or int32 as llama.cpp also accepts.
    func scores(_ key: String, count: Int) throws(TokenizersError) -> [Float]? {
        guard let value = metadata[key] else { return nil }
        guard case let .array(type, elements) = value, type == .float32 || type == .int32 else {
            throw .invalidMetadata(key: key, index: nil, reason: "expected an array of float32 or int32, found \(Self.describe(value))")
        }
        guard elements.count >= count else {
            throw .invalidMetadata(key: key, index: nil, reason: "\(elements.count) scores for \(count) tokens")
        }
        var result: [Float] = []
        result.reserveCapacity(count)
        for (index, element) in elements.prefix(count).enumerated() {
            switch element {
            case let .float32(score): result.append(score)
            case let .int32(score): result.append(Float(score))
            default: throw .invalidMetadata(key: key, index: index, reason: "expected \(type), found \(element.type)")
            }
        }
        return result
    }

    func int32s(_ key: String, count: Int) throws(TokenizersError) -> [Int32]? {
        guard let value = metadata[key] else { return nil }
        guard case let .array(.int32, elements) = value else {
            throw .invalidMetadata(key: key, index: nil, reason: "expected an array of int32, found \(Self.describe(value))")
        }
        guard elements.count >= count else {
            throw .invalidMetadata(key: key, index: nil, reason: "\(elements.count) entries for \(count) tokens")
        }
        var result: [Int32] = []
        result.reserveCapacity(count)
        for (index, element) in elements.prefix(count).enumerated() {
            guard case let .int32(number) = element else {
                throw .invalidMetadata(key: key, index: index, reason: "expected int32, found \(element.type)")
            }
            result.append(number)
        }
        return result
    }

    private static func describe(_ value: GGUFValue) -> String {
        if case let .array(type, _) = value { return "an array of \(type)" }
        return "\(value.type)"
    }
}
