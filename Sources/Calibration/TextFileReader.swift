import FileSupport
import Foundation

/// Reads calibration files into strings, rejecting anything that is not UTF-8 with the place
/// of the first bad byte.
enum TextFileReader {
    /// The whole file, byte for byte (no newline or BOM handling: llama-imatrix does none).
    static func plainText(path: String) throws(CalibrationError) -> String {
        try withValidatedBytes(path: path) { bytes in String(decoding: bytes, as: UTF8.self) }
    }

    /// The `text` fields of a JSON Lines file, in file order. Blank lines are skipped; every
    /// other line must be an object with a string `text` (other fields are ignored).
    static func jsonLinesTexts(path: String) throws(CalibrationError) -> [String] {
        try withValidatedBytes(path: path) { bytes throws(CalibrationError) in
            var texts: [String] = []
            var lineNumber = 0
            // A byte-order mark is not part of the first record.
            var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            while start < bytes.count {
                lineNumber += 1
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let line = UnsafeRawBufferPointer(rebasing: bytes[start ..< end])
                if let text = try record(line, path: path, line: lineNumber) { texts.append(text) }
                start = end + 1
            }
            return texts
        }
    }

    private static func record(_ line: UnsafeRawBufferPointer, path: String, line number: Int)
        throws(CalibrationError) -> String? {
        let isBlank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if isBlank { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw .invalidJSON(path: path, line: number, reason: "\(error.reason) (at byte \(error.offset + 1) of the line)")
        }
        guard let object = value.objectValue else {
            throw .invalidRecord(path: path, line: number, reason: "a record must be a JSON object with a \"text\" string")
        }
        guard let field = object["text"] else { throw .missingTextField(path: path, line: number) }
        guard let text = field.stringValue else {
            throw .invalidRecord(path: path, line: number, reason: "the \"text\" field is not a string")
        }
        return text
    }

    private static func withValidatedBytes<T>(path: String,
                                              _ body: (UnsafeRawBufferPointer) throws(CalibrationError) -> T)
        throws(CalibrationError) -> T {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch let error as FileSupportError {
            throw .cannotRead(path: path, reason: reason(error))
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
        let bytes = file.bytes
        if let offset = firstInvalidUTF8Offset(bytes) {
            let line = 1 + bytes[..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            throw .invalidUTF8(path: path, line: line, byteOffset: offset)
        }
        // The mapping must outlive every use of `bytes`.
        defer { withExtendedLifetime(file) {} }
        return try body(bytes)
    }

    private static func reason(_ error: FileSupportError) -> String {
        switch error {
        case let .cannotOpen(_, reason), let .cannotMap(_, reason), let .cannotWrite(_, reason):
            return reason
        default:
            return error.description
        }
    }
}
