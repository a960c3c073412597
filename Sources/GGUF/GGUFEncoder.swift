/// Serialises GGUF header fields into a byte buffer, little-endian.
///
/// Arrays are written with one level of nesting at most, matching what the reader accepts;
/// ``MetadataValidation`` has already rejected anything deeper or mistyped.
struct GGUFEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(string: String) {
        let utf8 = string.utf8
        append(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func appendHeader(tensorCount: Int, keyValueCount: Int) {
        bytes.append(contentsOf: GGUFFormat.magic)
        append(GGUFFormat.version)
        append(UInt64(tensorCount))
        append(UInt64(keyValueCount))
    }

    mutating func append(key: String, value: GGUFValue) {
        append(string: key)
        append(value.type.rawValue)
        append(value: value)
    }

    mutating func append(tensor info: GGUFTensorInfo) {
        append(string: info.name)
        append(UInt32(info.dimensions.count))
        for dimension in info.dimensions { append(UInt64(dimension)) }
        append(info.type.rawValue)
        append(UInt64(info.offset))
    }

    /// Writes a value without its type tag.
    private mutating func append(value: GGUFValue) {
        guard case let .array(elementType, elements) = value else {
            appendScalar(value)
            return
        }
        append(elementType.rawValue)
        append(UInt64(elements.count))
        for element in elements {
            if case let .array(innerType, innerElements) = element {
                append(innerType.rawValue)
                append(UInt64(innerElements.count))
                for inner in innerElements { appendScalar(inner) }
            } else {
                appendScalar(element)
            }
        }
    }

    /// Writes a non-array value. Arrays never reach here after validation.
    private mutating func appendScalar(_ value: GGUFValue) {
        switch value {
        case let .uint8(v): append(v)
        case let .int8(v): append(v)
        case let .uint16(v): append(v)
        case let .int16(v): append(v)
        case let .uint32(v): append(v)
        case let .int32(v): append(v)
        case let .uint64(v): append(v)
        case let .int64(v): append(v)
        case let .float32(v): append(v.bitPattern)
        case let .float64(v): append(v.bitPattern)
        case let .bool(v): append(UInt8(v ? 1 : 0))
        case let .string(v): append(string: v)
        case .array: break
        }
    }
}
