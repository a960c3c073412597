import FileSupport
import Foundation

/// The tokenizer-related files of a Hugging Face model folder.
///
/// Files every path needs are parsed once up front; the rest are parsed only by the
/// path that reads them, so a malformed file the converter would never open does not
/// stop a conversion here either.
struct HFTokenizerFolder {
    let directory: String
    let tokenizerJSON: HFTokenizerJSON?
    let tokenizerConfig: JSONFile?
    let config: JSONFile?

    init(directory: String) throws(TokenizersError) {
        self.directory = directory
        tokenizerJSON = try Self.loadIfPresent(directory, "tokenizer.json").map { file throws(TokenizersError) in
            try HFTokenizerJSON(file: file)
        }
        tokenizerConfig = try Self.loadIfPresent(directory, "tokenizer_config.json")
        config = try Self.loadIfPresent(directory, "config.json")
    }

    func path(_ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    /// Whether `name` exists and is a regular file (or a link to one), like `Path.is_file()`.
    func isFile(_ name: String) -> Bool {
        Self.isFile(path(name))
    }

    /// Parses `name` when it exists.
    func load(_ name: String) throws(TokenizersError) -> JSONFile? {
        try Self.loadIfPresent(directory, name)
    }

    /// The root object of `tokenizer_config.json`, or `nil` when there is none.
    func tokenizerConfigObject() throws(TokenizersError) -> JSONObject? {
        try tokenizerConfig?.rootObject()
    }

    static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private static func loadIfPresent(_ directory: String, _ name: String) throws(TokenizersError) -> JSONFile? {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        guard isFile(path) else { return nil }
        return try JSONFile.load(path: path)
    }

    /// The files of `additional_chat_templates/*.jinja`, sorted by name so the output
    /// does not depend on directory order.
    func additionalChatTemplatePaths() -> [String] {
        let folder = path("additional_chat_templates")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".jinja") }.sorted()
            .map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
            .filter { Self.isFile($0) }
    }

    /// Reads a whole text file as UTF-8 with Python's universal newlines (CRLF and CR
    /// become LF), which is how the converter's `open(...).read()` sees it.
    func readText(_ path: String) throws(TokenizersError) -> String {
        guard let data = readWholeFile(atPath: path) else {
            throw .cannotRead(path: path, reason: String(cString: strerror(errno)))
        }
        let offset = data.withUnsafeBytes { firstInvalidUTF8Offset($0) }
        if let offset { throw .invalidUTF8(path: path, offset: offset) }
        let text = String(decoding: data, as: UTF8.self)
        guard text.utf8.contains(0x0D) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
