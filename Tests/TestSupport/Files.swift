import Foundation

/// The whole file at `path`.
public func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Creates or replaces the file at `path`.
public func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Creates or replaces the file at `path` with `text` as UTF-8.
public func writeText(_ text: String, to path: String) throws {
    try writeBytes(Array(text.utf8), to: path)
}

/// Serializes a JSON object literal with sorted keys, so files written from the same literal
/// are byte-identical from run to run.
public func writeJSON(_ object: Any, to path: String) throws {
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        .write(to: URL(fileURLWithPath: path))
}

/// Reads a JSON file whose top level is an object; empty when it is something else.
public func readJSONObject(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

/// Whether a file or folder exists at `path`.
public func fileExists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
