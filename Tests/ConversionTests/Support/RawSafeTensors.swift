import Foundation

/// A safetensors file assembled by hand, so tests can write headers no correct writer
/// would produce (overlaps, wrong sizes, unknown dtypes, broken JSON).
struct RawSafeTensors {
    struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    var entries: [Entry]
    var data: [UInt8]

    /// The tensors laid out back to back, as a correct writer would.
    init(_ tensors: [SourceTensor]) {
        entries = []
        data = []
        for tensor in tensors {
            entries.append(Entry(name: tensor.name, dtype: tensor.dtype.rawValue, shape: tensor.shape,
                                 begin: data.count, end: data.count + tensor.bytes.count))
            data += tensor.bytes
        }
    }

    var headerText: String {
        let members = entries.map { e in
            "\"\(e.name)\":{\"dtype\":\"\(e.dtype)\",\"shape\":[\(e.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(e.begin),\(e.end)]}"
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Length prefix, header (padded with spaces to 8 bytes) and data.
    func bytes(header: String? = nil) -> [UInt8] {
        var text = Array((header ?? headerText).utf8)
        while text.count % 8 != 0 { text.append(UInt8(ascii: " ")) }
        return Reference.littleEndian(UInt64(text.count)) + text + data
    }

    mutating func modify(_ name: String, _ change: (inout Entry) -> Void) {
        if let index = entries.firstIndex(where: { $0.name == name }) { change(&entries[index]) }
    }
}
