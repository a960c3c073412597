/// A JSON document built in code and serialized with its object members in insertion order.
///
/// `JSONSerialization` neither keeps key order nor prints float32 values the way Python
/// does, and Hugging Face files are read by people as much as by programs; this writer
/// gives stable, diffable output. Trees are built by ggufkit itself and are only a few
/// levels deep, so the recursive serializer never sees file-controlled nesting.
indirect enum JSONText {
    case null
    case bool(Bool)
    case int(Int)
    /// Printed as the shortest decimal that reads back as the same float32 (`1e-05`).
    case float(Float)
    case double(Double)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    /// UTF-8 bytes; `indent` > 0 pretty-prints like Python's `json.dump(indent=...)`.
    func serialized(indent: Int = 2) -> [UInt8] {
        var out: [UInt8] = []
        append(to: &out, indent: indent, level: 0)
        if indent > 0 { out.append(UInt8(ascii: "\n")) }
        return out
    }

    private func append(to out: inout [UInt8], indent: Int, level: Int) {
        switch self {
        case .null: out += Array("null".utf8)
        case let .bool(value): out += Array((value ? "true" : "false").utf8)
        case let .int(value): out += Array(String(value).utf8)
        case let .float(value): out += Array(Self.number(value.isFinite ? value.description : nil).utf8)
        case let .double(value): out += Array(Self.number(value.isFinite ? value.description : nil).utf8)
        case let .string(value): Self.appendString(value, to: &out)
        case let .array(items):
            appendContainer(open: "[", close: "]", count: items.count, to: &out, indent: indent, level: level) { i, out in
                items[i].append(to: &out, indent: indent, level: level + 1)
            }
        case let .object(members):
            appendContainer(open: "{", close: "}", count: members.count, to: &out, indent: indent, level: level) { i, out in
                Self.appendString(members[i].0, to: &out)
                out += indent > 0 ? [UInt8(ascii: ":"), UInt8(ascii: " ")] : [UInt8(ascii: ":")]
                members[i].1.append(to: &out, indent: indent, level: level + 1)
            }
        }
    }

    private func appendContainer(open: Character, close: Character, count: Int, to out: inout [UInt8], indent: Int,
                                 level: Int, item: (Int, inout [UInt8]) -> Void) {
        out.append(open.asciiValue!)
        guard count > 0 else {
            out.append(close.asciiValue!)
            return
        }
        for i in 0 ..< count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if indent > 0 {
                out.append(UInt8(ascii: "\n"))
                out += [UInt8](repeating: UInt8(ascii: " "), count: indent * (level + 1))
            }
            item(i, &out)
        }
        if indent > 0 {
            out.append(UInt8(ascii: "\n"))
            out += [UInt8](repeating: UInt8(ascii: " "), count: indent * level)
        }
        out.append(close.asciiValue!)
    }

    /// JSON has no NaN or infinity; null is what Python's strict encoders fall back to.
    private static func number(_ text: String?) -> String { text ?? "null" }

    /// Escapes quotes, backslashes and control characters; everything else stays raw
    /// UTF-8, as `ensure_ascii=False` writes it.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x00 ..< 0x20:
                let digits = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONText {
    /// An optional value, `null` when absent.
    static func optional(_ value: Int?) -> JSONText { value.map { .int($0) } ?? .null }
    static func optional(_ value: String?) -> JSONText { value.map { .string($0) } ?? .null }
}
