import FileSupport
import Foundation
import GGUF
@testable import Tokenizers

/// A temporary model folder that deletes itself.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ggufkit-tok-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(name).path
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func write(_ name: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    /// Serializes a JSON object literal with sorted keys, so tests read naturally.
    func writeJSON(_ name: String, _ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: file(name)))
    }
}

/// Collects log lines from the loader (thread-safe, as the log closure is `@Sendable`).
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    func options(pre: String? = nil, recipe: VocabRecipe = .llama) -> TokenizerMetadataOptions {
        TokenizerMetadataOptions(log: { [self] line in
            lock.lock()
            storage.append(line)
            lock.unlock()
        }, preTokenizerOverride: pre, recipe: recipe)
    }

    func contains(_ text: String) -> Bool {
        lines.contains { $0.contains(text) }
    }
}

/// Encodes SentencePiece `ModelProto` messages for tests.
enum ProtobufWriter {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            out.append(byte)
        } while value != 0
        return out
    }

    static func tag(_ field: UInt64, _ wireType: UInt64) -> [UInt8] {
        varint(field << 3 | wireType)
    }

    static func lengthDelimited(_ field: UInt64, _ payload: [UInt8]) -> [UInt8] {
        tag(field, 2) + varint(UInt64(payload.count)) + payload
    }

    static func varintField(_ field: UInt64, _ value: UInt64) -> [UInt8] {
        tag(field, 0) + varint(value)
    }

    static func piece(_ text: String, score: Float, type: Int32?) -> [UInt8] {
        var body = lengthDelimited(1, Array(text.utf8))
        let bits = score.bitPattern
        body += tag(2, 5) + [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        if let type { body += varintField(3, UInt64(UInt32(bitPattern: type))) }
        return lengthDelimited(1, body)
    }

    /// A small byte-fallback BPE model: <unk>, <s>, </s>, 256 byte pieces, then `extra`.
    static func model(extra: [(String, Float, Int32?)], byteFallback: Bool = true, addDummyPrefix: Bool? = nil) -> [UInt8] {
        var out = piece("<unk>", score: 0, type: 2) + piece("<s>", score: 0, type: 3) + piece("</s>", score: 0, type: 3)
        if byteFallback {
            for byte in 0 ..< 256 { out += piece("<0x\(hex2(byte))>", score: 0, type: 6) }
        }
        for (text, score, type) in extra { out += piece(text, score: score, type: type) }
        var trainer = varintField(3, 2)  // BPE
        if byteFallback { trainer += varintField(35, 1) }
        trainer += varintField(43, UInt64(bitPattern: -1))  // pad_id = -1, a ten-byte varint
        out += lengthDelimited(2, trainer)
        var normalizer = lengthDelimited(1, Array("identity".utf8))
        if let addDummyPrefix { normalizer += varintField(3, addDummyPrefix ? 1 : 0) }
        out += lengthDelimited(3, normalizer)
        return out
    }
}

/// Where the shared test assets and the cached fixtures live.
enum TestAssets {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var shared: String {
        ProcessInfo.processInfo.environment["GGUFKIT_SHARED"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
    }

    static var fixtures: String {
        ProcessInfo.processInfo.environment["GGUFKIT_FIXTURES"]
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/ggufkit-fixtures").path
    }

    static var stories260K: String { shared + "/models/stories260K" }
    static var smolLM2Folder: String { fixtures + "/smollm2-135m-instruct" }
    static var smolLM2GGUF: String { fixtures + "/smollm2-original-q4_1.gguf" }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Whether `python3` can import every module named.
    static func pythonHas(_ modules: String...) -> Bool {
        (try? Python.run("import " + modules.joined(separator: ", "))) != nil
    }
}

/// Runs short Python scripts for reference values.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ script: String, arguments: [String] = []) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain stdout before waiting: reference dumps are larger than a pipe buffer.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: String(decoding: errorText, as: UTF8.self))
        }
        return data
    }

    /// Runs a script that prints one JSON document and parses it.
    static func json(_ script: String, arguments: [String] = []) throws -> JSONValue {
        let data = try run(script, arguments: arguments)
        return try data.withUnsafeBytes { try JSONParser.parse($0, options: pythonJSON) }
    }
}

extension GGUFMetadata {
    func strings(_ key: String) -> [String]? {
        self[key]?.arrayValue?.compactMap(\.stringValue)
    }

    func ints(_ key: String) -> [Int]? {
        self[key]?.arrayValue?.compactMap(\.intValue)
    }
}
