import FileSupport

/// A cursor over an untrusted GGUF file that turns every short read or bad value into a
/// ``GGUFError`` naming the file and the byte offset.
///
/// Metadata values are decoded without recursion: an array may hold arrays one level
/// deep, and deeper nesting is refused, so file contents can never drive the stack.
struct GGUFDecoder {
    private var reader: ByteReader
    let path: String
    /// Array elements decoded so far, over all keys, checked against ``GGUFFormat/maxMetadataElements``.
    private var metadataElements = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        reader = ByteReader(bytes)
        self.path = path
    }

    var offset: Int { reader.offset }
    var remaining: Int { reader.remaining }
    var fileSize: Int { reader.bytes.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let at = reader.offset
        guard let value = reader.read(T.self) else {
            throw .truncated(path: path, offset: at, needed: MemoryLayout<T>.size, what: what())
        }
        return value
    }

    mutating func bytes(_ count: Int, _ what: @autoclosure () -> String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let at = reader.offset
        guard let slice = reader.readBytes(count) else {
            throw .truncated(path: path, offset: at, needed: count, what: what())
        }
        return slice
    }

    /// A GGUF string: uint64 byte length, then that many bytes of UTF-8.
    mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let start = reader.offset
        let length = try read(UInt64.self, "length of \(what())")
        guard length <= UInt64(reader.remaining) else {
            throw .stringPastEnd(path: path, offset: start, length: length, fileSize: fileSize)
        }
        let body = try bytes(Int(length), what())
        guard let text = String(validating: body, as: UTF8.self) else {
            throw .invalidUTF8(path: path, offset: start + 8, what: what())
        }
        return text
    }

    /// A uint32 value-type tag.
    mutating func valueType(key: String) throws(GGUFError) -> GGUFValueType {
        let at = reader.offset
        let raw = try read(UInt32.self, "value type of '\(key)'")
        guard let type = GGUFValueType(rawValue: raw) else {
            throw .unknownValueType(path: path, offset: at, key: key, rawType: raw)
        }
        return type
    }

    /// The value of a metadata entry whose type tag has just been read.
    mutating func value(of type: GGUFValueType, key: String) throws(GGUFError) -> GGUFValue {
        if type == .array { return try array(key: key) }
        return try scalar(of: type, key: key)
    }

    /// An array body: element type, uint64 count, elements. Inner arrays are read in a loop
    /// here rather than by calling back into this function.
    private mutating func array(key: String) throws(GGUFError) -> GGUFValue {
        let start = reader.offset
        let elementType = try valueType(key: key)
        let count = try arrayCount(of: elementType, key: key, start: start)
        guard elementType == .array else {
            return .array(elementType, try scalars(of: elementType, count: count, key: key))
        }
        var arrays: [GGUFValue] = []
        arrays.reserveCapacity(count)
        for _ in 0 ..< count {
            let innerStart = reader.offset
            let innerType = try valueType(key: key)
            guard innerType != .array else {
                throw .nestedArrayTooDeep(path: path, offset: innerStart, key: key)
            }
            let innerCount = try arrayCount(of: innerType, key: key, start: innerStart)
            arrays.append(.array(innerType, try scalars(of: innerType, count: innerCount, key: key)))
        }
        return .array(.array, arrays)
    }

    /// Reads an array's element count and checks the remaining bytes could hold that many
    /// elements before anything is allocated for them.
    private mutating func arrayCount(of type: GGUFValueType, key: String, start: Int) throws(GGUFError) -> Int {
        let count = try read(UInt64.self, "element count of '\(key)'")
        guard count <= UInt64(reader.remaining / type.minimumEncodedSize) else {
            throw .arrayPastEnd(path: path, offset: start, key: key, count: count, fileSize: fileSize)
        }
        // Cannot overflow: both terms are bounded by the file size or the limit.
        metadataElements += Int(count)
        guard metadataElements <= GGUFFormat.maxMetadataElements else {
            throw .metadataTooLarge(path: path, offset: start, key: key, elements: metadataElements,
                                    limit: GGUFFormat.maxMetadataElements)
        }
        return Int(count)
    }

    private mutating func scalars(of type: GGUFValueType, count: Int, key: String) throws(GGUFError) -> [GGUFValue] {
        var values: [GGUFValue] = []
        values.reserveCapacity(count)
        for _ in 0 ..< count { values.append(try scalar(of: type, key: key)) }
        return values
    }

    /// One non-array value.
    private mutating func scalar(of type: GGUFValueType, key: String) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try read(UInt8.self, "value of '\(key)'"))
        case .int8: return .int8(try read(Int8.self, "value of '\(key)'"))
        case .uint16: return .uint16(try read(UInt16.self, "value of '\(key)'"))
        case .int16: return .int16(try read(Int16.self, "value of '\(key)'"))
        case .uint32: return .uint32(try read(UInt32.self, "value of '\(key)'"))
        case .int32: return .int32(try read(Int32.self, "value of '\(key)'"))
        case .uint64: return .uint64(try read(UInt64.self, "value of '\(key)'"))
        case .int64: return .int64(try read(Int64.self, "value of '\(key)'"))
        case .float32: return .float32(Float(bitPattern: try read(UInt32.self, "value of '\(key)'")))
        case .float64: return .float64(Double(bitPattern: try read(UInt64.self, "value of '\(key)'")))
        case .string: return .string(try string("string value of '\(key)'"))
        case .bool:
            let at = reader.offset
            let byte = try read(UInt8.self, "value of '\(key)'")
            guard byte <= 1 else { throw .invalidBool(path: path, offset: at, key: key, value: byte) }
            return .bool(byte == 1)
        case .array:
            // Callers handle arrays; reaching here means deeper nesting than supported.
            throw .nestedArrayTooDeep(path: path, offset: reader.offset, key: key)
        }
    }
}
