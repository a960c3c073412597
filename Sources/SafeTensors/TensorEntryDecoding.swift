import FileSupport

/// Turns one `"name": {"dtype", "shape", "data_offsets"}` header entry into a
/// validated ``SafeTensorInfo``.
///
/// Fields other than the three known ones are ignored, as the reference
/// implementation does, so files written by newer tools still open.
struct TensorEntryDecoder {
    let path: String
    /// Absolute file offset of the data section.
    let dataStart: Int
    /// Bytes from `dataStart` to the end of the file.
    let dataSize: Int

    /// `offset` is the absolute file offset of the entry's key, used in every error.
    func decode(name: String, value: JSONValue, offset: Int) throws(SafeTensorsError) -> SafeTensorInfo {
        guard case let .object(object) = value else {
            throw .tensorEntryNotObject(path: path, tensor: name, offset: offset, found: value.kindDescription)
        }
        var dtypeValue: JSONValue?, shapeValue: JSONValue?, offsetsValue: JSONValue?
        for member in object.members {
            switch member.key {
            case "dtype": try assign(&dtypeValue, member, name: name, offset: offset)
            case "shape": try assign(&shapeValue, member, name: name, offset: offset)
            case "data_offsets": try assign(&offsetsValue, member, name: name, offset: offset)
            default: continue
            }
        }
        guard let dtypeValue else { throw .missingField(path: path, tensor: name, field: "dtype", offset: offset) }
        guard let shapeValue else { throw .missingField(path: path, tensor: name, field: "shape", offset: offset) }
        guard let offsetsValue else {
            throw .missingField(path: path, tensor: name, field: "data_offsets", offset: offset)
        }

        let dtype = try decodeDType(dtypeValue, name: name, offset: offset)
        let shape = try decodeShape(shapeValue, name: name, offset: offset)
        var elementCount = 1
        for dimension in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw .elementCountOverflow(path: path, tensor: name, shape: shape, offset: offset) }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw .elementCountOverflow(path: path, tensor: name, shape: shape, offset: offset) }

        let (begin, end) = try decodeDataOffsets(offsetsValue, name: name, offset: offset)
        guard begin <= end else {
            throw .dataOffsetsReversed(path: path, tensor: name, begin: begin, end: end, offset: offset)
        }
        guard end <= dataSize else {
            throw .dataOutOfBounds(path: path, tensor: name, begin: begin, end: end, dataSize: dataSize, offset: offset)
        }
        guard end - begin == byteCount else {
            throw .byteCountMismatch(path: path, tensor: name, expected: byteCount, actual: end - begin, offset: offset)
        }
        // Cannot overflow: begin <= dataSize and dataStart + dataSize is the file size.
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, elementCount: elementCount,
                              byteCount: byteCount, fileOffset: dataStart + begin, filePath: path)
    }

    private func assign(_ slot: inout JSONValue?, _ member: JSONMember, name: String,
                        offset: Int) throws(SafeTensorsError) {
        guard slot == nil else {
            throw .invalidField(path: path, tensor: name, field: member.key, offset: offset, reason: "appears twice")
        }
        slot = member.value
    }

    private func decodeDType(_ value: JSONValue, name: String, offset: Int) throws(SafeTensorsError) -> SafeTensorsDType {
        guard case let .string(text) = value else {
            throw .invalidField(path: path, tensor: name, field: "dtype", offset: offset,
                                reason: "is \(value.kindDescription), expected a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: text) else {
            throw .unknownDType(path: path, tensor: name, dtype: text, offset: offset)
        }
        return dtype
    }

    private func decodeShape(_ value: JSONValue, name: String, offset: Int) throws(SafeTensorsError) -> [Int] {
        guard case let .array(items) = value else {
            throw .invalidField(path: path, tensor: name, field: "shape", offset: offset,
                                reason: "is \(value.kindDescription), expected an array")
        }
        var shape: [Int] = []
        shape.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case let .number(number) = item, case let .integer(dimension) = number.exact, dimension >= 0 else {
                let shown: String
                if case let .number(number) = item { shown = number.text } else { shown = item.kindDescription }
                throw .invalidShape(path: path, tensor: name, dimension: index, value: shown, offset: offset)
            }
            shape.append(dimension)
        }
        return shape
    }

    private func decodeDataOffsets(_ value: JSONValue, name: String,
                                   offset: Int) throws(SafeTensorsError) -> (Int, Int) {
        guard case let .array(items) = value, items.count == 2 else {
            throw .invalidField(path: path, tensor: name, field: "data_offsets", offset: offset,
                                reason: "is \(value.kindDescription), expected an array [begin, end]")
        }
        var bounds: [Int] = []
        for item in items {
            guard case let .number(number) = item else {
                throw .invalidField(path: path, tensor: name, field: "data_offsets", offset: offset,
                                    reason: "holds \(item.kindDescription), expected integers")
            }
            switch number.exact {
            case let .integer(bound) where bound >= 0:
                bounds.append(bound)
            case .integer:
                throw .invalidField(path: path, tensor: name, field: "data_offsets", offset: offset,
                                    reason: "holds negative value \(number.text)")
            case .outOfRange:
                throw .invalidField(path: path, tensor: name, field: "data_offsets", offset: offset,
                                    reason: "holds \(number.text), which does not fit in 64 bits")
            case .notInteger:
                throw .invalidField(path: path, tensor: name, field: "data_offsets", offset: offset,
                                    reason: "holds \(number.text), which is not an integer")
            }
        }
        return (bounds[0], bounds[1])
    }
}
