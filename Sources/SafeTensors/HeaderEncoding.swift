/// Builds the JSON header text the writer emits.
enum HeaderEncoding {
    /// Appends `text` as a JSON string literal. Only the characters JSON requires are
    /// escaped; everything else stays raw UTF-8, as other safetensors writers do.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0 ..< 0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendIntegers(_ values: [Int], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array(String(value).utf8))
        }
        out.append(UInt8(ascii: "]"))
    }

    /// One tensor entry: `"name":{"dtype":..,"shape":[..],"data_offsets":[b,e]}`.
    static func appendEntry(name: String, dtype: SafeTensorsDType, shape: [Int], begin: Int, end: Int,
                            to out: inout [UInt8]) {
        appendString(name, to: &out)
        out.append(contentsOf: Array(":{\"dtype\":".utf8))
        appendString(dtype.rawValue, to: &out)
        out.append(contentsOf: Array(",\"shape\":".utf8))
        appendIntegers(shape, to: &out)
        out.append(contentsOf: Array(",\"data_offsets\":".utf8))
        appendIntegers([begin, end], to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The `__metadata__` entry, keys sorted so output is reproducible.
    static func appendMetadata(_ metadata: [String: String], to out: inout [UInt8]) {
        appendString("__metadata__", to: &out)
        out.append(contentsOf: Array(":{".utf8))
        let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (index, key) in keys.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(metadata[key] ?? "", to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
