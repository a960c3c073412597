import FileSupport

/// Why a protobuf message was rejected; `offset` is a byte offset in the file.
struct ProtobufError: Error, Equatable {
    let offset: Int
    let reason: String
}

/// The wire types of the protobuf encoding.
enum ProtobufWireType: UInt8 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// A bounds-checked reader for the protobuf wire format over untrusted bytes.
///
/// Each reader covers one message: a sub-message gets its own reader over exactly the
/// bytes its length prefix claims, after that length has been checked against what is
/// left. Offsets are absolute in the file so errors point at the real byte.
struct ProtobufReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private let end: Int

    /// A reader over `range` of `bytes` (the whole buffer by default).
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        let range = range ?? 0 ..< bytes.count
        offset = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { offset >= end }

    /// The next field's number and wire type, or `nil` at the end of the message.
    mutating func nextField() throws(ProtobufError) -> (number: UInt64, wireType: ProtobufWireType)? {
        guard !isAtEnd else { return nil }
        let tagOffset = offset
        let tag = try readVarint()
        let number = tag >> 3
        guard number != 0 else { throw ProtobufError(offset: tagOffset, reason: "field number 0") }
        guard let wireType = ProtobufWireType(rawValue: UInt8(tag & 7)) else {
            throw ProtobufError(offset: tagOffset, reason: "unknown wire type \(tag & 7) for field \(number)")
        }
        return (number, wireType)
    }

    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw ProtobufError(offset: start, reason: "truncated varint") }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may only contribute the top bit of a 64-bit value.
            if shift == 63, byte > 1 { throw ProtobufError(offset: start, reason: "varint longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard end - offset >= 4 else { throw ProtobufError(offset: offset, reason: "truncated fixed32") }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    /// The byte range of a length-delimited field, after checking it fits.
    mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let lengthOffset = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            throw ProtobufError(
                offset: lengthOffset,
                reason: "length \(length) runs past the end of the enclosing message (\(end - offset) bytes left)")
        }
        let start = offset
        offset += Int(length)
        return start ..< offset
    }

    /// Skips a field this parser does not use.
    mutating func skip(_ wireType: ProtobufWireType, field: UInt64) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed32: _ = try readFixed32()
        case .fixed64:
            guard end - offset >= 8 else { throw ProtobufError(offset: offset, reason: "truncated fixed64") }
            offset += 8
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup:
            // Groups are deprecated and SentencePiece never writes them; skipping one
            // would need nesting-aware scanning for no benefit.
            throw ProtobufError(offset: offset, reason: "unsupported group wire type in field \(field)")
        }
    }

    /// Reads the payload of a length-delimited field as UTF-8 text.
    mutating func readString(field: UInt64) throws(ProtobufError) -> String {
        let range = try readLengthDelimited()
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        if let bad = firstInvalidUTF8Offset(slice) {
            throw ProtobufError(offset: range.lowerBound + bad, reason: "field \(field) is not valid UTF-8")
        }
        return String(decoding: slice, as: UTF8.self)
    }

    /// Reads the payload of a length-delimited field as raw bytes.
    mutating func readBytes() throws(ProtobufError) -> [UInt8] {
        let range = try readLengthDelimited()
        return Array(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// A reader over the payload of a length-delimited field (a sub-message).
    mutating func readMessage() throws(ProtobufError) -> ProtobufReader {
        ProtobufReader(bytes, range: try readLengthDelimited())
    }

    /// Fails unless the field arrived with the wire type its schema declares.
    func require(_ actual: ProtobufWireType, _ expected: ProtobufWireType, field: UInt64, at tagEnd: Int) throws(ProtobufError) {
        guard actual == expected else {
            throw ProtobufError(offset: tagEnd, reason: "field \(field) has wire type \(actual.rawValue), expected \(expected.rawValue)")
        }
    }
}
