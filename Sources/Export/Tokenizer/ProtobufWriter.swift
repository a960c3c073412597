/// A minimal protocol-buffers encoder: just the wire types a SentencePiece `ModelProto` uses.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func appendTag(_ field: Int, wireType: UInt64) {
        appendVarint(UInt64(field) << 3 | wireType)
    }

    /// An `int32`, `enum` or `bool` field; negative values take ten bytes, as protobuf requires.
    mutating func varint(_ field: Int, _ value: Int64) {
        appendTag(field, wireType: 0)
        appendVarint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        varint(field, value ? 1 : 0)
    }

    /// A `float` field (wire type 5, little-endian).
    mutating func float(_ field: Int, _ value: Float) {
        appendTag(field, wireType: 5)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    /// A `bytes`, `string` or embedded-message field.
    mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        appendTag(field, wireType: 2)
        appendVarint(UInt64(payload.count))
        bytes += payload
    }

    mutating func string(_ field: Int, _ text: String) {
        lengthDelimited(field, Array(text.utf8))
    }

    mutating func message(_ field: Int, _ body: ProtobufWriter) {
        lengthDelimited(field, body.bytes)
    }
}
