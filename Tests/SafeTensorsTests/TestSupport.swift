import Foundation
import SafeTensors

/// A fresh folder under the system temporary directory, removed when released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "safetensors-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        path + "/" + name
    }

    /// Names of everything in the folder, hidden temporary files included.
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let target = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes a hand-made safetensors file: `declaredLength` (default: the header's real
    /// length) as the 8-byte prefix, then the header text, then `data`.
    @discardableResult
    func writeRaw(_ name: String, header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        try write(name, bytes: rawSafeTensors(header: Array(header.utf8), data: data, declaredLength: declaredLength))
    }
}

func rawSafeTensors(header: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    var bytes: [UInt8] = []
    let length = declaredLength ?? UInt64(header.count)
    for shift in stride(from: 0, to: 64, by: 8) {
        bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
    }
    return bytes + header + data
}

/// Deterministic, non-repeating-looking bytes so misplaced data is caught.
func patternBytes(_ count: Int, seed: UInt8 = 1) -> [UInt8] {
    (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 17 &+ ($0 >> 8)) }
}

/// Where `/work/shared` lives for this checkout, if it exists: `$GGUFKIT_SHARED` or
/// `../shared` next to the package root.
enum SharedAssets {
    static let root: String? = {
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_SHARED"], !configured.isEmpty {
            return FileManager.default.fileExists(atPath: configured) ? configured : nil
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }()

    static func path(_ relative: String) -> String? {
        guard let root else { return nil }
        let full = root + "/" + relative
        return FileManager.default.fileExists(atPath: full) ? full : nil
    }
}
