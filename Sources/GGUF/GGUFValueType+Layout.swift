extension GGUFValueType {
    /// The fewest bytes one value of this type occupies in a file: its fixed size for
    /// numbers, the length prefix for strings, element type plus count for arrays.
    /// The reader multiplies this by an array count to reject impossible counts before
    /// allocating.
    var minimumEncodedSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }

    /// The name gguf-py and llama.cpp print for this type.
    public var name: String {
        switch self {
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .uint32: "uint32"
        case .int32: "int32"
        case .float32: "float32"
        case .bool: "bool"
        case .string: "string"
        case .array: "array"
        case .uint64: "uint64"
        case .int64: "int64"
        case .float64: "float64"
        }
    }
}

extension GGUFValue {
    /// A short rendering for error messages, e.g. `uint64 64` or `array of 3 string`.
    var brief: String {
        switch self {
        case let .array(elementType, elements): return "array of \(elements.count) \(elementType.name)"
        case let .string(text): return "string \"\(text.prefix(40))\""
        case let .bool(flag): return "bool \(flag)"
        case let .uint64(v): return "uint64 \(v)"
        case let .float32(v): return "float32 \(v)"
        case let .float64(v): return "float64 \(v)"
        default: return "\(type.name) \(intValue.map(String.init) ?? "?")"
        }
    }
}
