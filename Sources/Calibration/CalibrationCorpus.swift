import Foundation

/// Calibration text: the documents that importance matrices (and other calibrated passes)
/// are computed from.
///
/// ``load(path:)`` accepts
/// - a `.jsonl` file: every non-blank line is a JSON object whose `text` string is one record
///   (other fields are ignored). The records are joined with a blank line (`"\n\n"`) into one
///   document named after the file, so a file of many short records still gives full-length
///   chunks and counts as one source when chunks are spread over sources;
/// - any other file: plain UTF-8 text, one document, byte for byte;
/// - a folder: its `.txt` and `.jsonl` files (extension in any case), read as above, in byte
///   order of their names. Only the folder itself is read, not subfolders; hidden files and
///   files with other extensions (such as a README.md) are skipped.
///
/// Documents with no text are left out; a path with none at all is an error.
/// ``default`` is the corpus compiled into the binary (the repository's `calibration/` folder).
public struct CalibrationCorpus: Equatable, Sendable {
    /// Where the documents came from (the path given, or "built-in corpus"), for messages.
    public let origin: String
    /// The documents, in the order described above; never empty.
    public let documents: [CalibrationDocument]

    public init(origin: String, documents: [CalibrationDocument]) throws(CalibrationError) {
        let kept = documents.filter { !$0.text.isEmpty }
        guard !kept.isEmpty else { throw .emptyCorpus(path: origin) }
        self.origin = origin
        self.documents = kept
    }

    /// Loads a file or a folder, as described on the type.
    public static func load(path: String) throws(CalibrationError) -> CalibrationCorpus {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotRead(path: path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else {
            return try CalibrationCorpus(origin: path, documents: [document(path: path)])
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .cannotRead(path: path, reason: error.localizedDescription)
        }
        var documents: [CalibrationDocument] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            where !name.hasPrefix(".") && isCorpusFileName(name) {
            let file = (path as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
                continue
            }
            documents.append(try document(path: file))
        }
        return try CalibrationCorpus(origin: path, documents: documents)
    }

    /// Whether a folder's file is read: `.txt` or `.jsonl`, in any case.
    static func isCorpusFileName(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.hasSuffix(".txt") || lowered.hasSuffix(".jsonl")
    }

    private static func document(path: String) throws(CalibrationError) -> CalibrationDocument {
        let name = (path as NSString).lastPathComponent
        if name.lowercased().hasSuffix(".jsonl") {
            let records = try TextFileReader.jsonLinesTexts(path: path)
            return CalibrationDocument(name: name, text: records.joined(separator: "\n\n"))
        }
        return CalibrationDocument(name: name, text: try TextFileReader.plainText(path: path))
    }
}
