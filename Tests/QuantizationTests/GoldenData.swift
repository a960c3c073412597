import Foundation
import GGUF

/// The golden files written by scripts/make-quant-goldens.sh (ggml's C quantizers and
/// gguf-py's dequantizers run on fixed pseudo-random inputs).
struct GoldenData: Sendable {
    struct Case: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let rowLength: Int
        let rows: Int
        let inputOffset: Int
        let importanceOffset: Int
        var elementCount: Int { rows * rowLength }
        var description: String { name }
    }

    private struct Manifest: Decodable {
        let formats: [String]
        let cases: [Case]
        let abortingCases: [String: [String]]?
    }

    let folder: URL
    let formatNames: [String]
    let cases: [Case]
    let inputs: [Float]
    let importance: [Float]
    /// Per golden file name (without extension), the cases ggml's quantizer aborts on: their
    /// bytes are placeholders (zeros), not ggml's output.
    let abortingCases: [String: Set<String>]

    static let shared: GoldenData = {
        do {
            return try GoldenData()
        } catch {
            // Tests that use the goldens fail with this message rather than crashing later.
            return GoldenData(failure: "\(error)")
        }
    }()

    let loadError: String?

    private init() throws {
        guard let folder = Bundle.module.url(forResource: "Golden", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "Golden resource folder missing"])
        }
        self.folder = folder
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        formatNames = manifest.formats
        cases = manifest.cases
        abortingCases = (manifest.abortingCases ?? [:]).mapValues(Set.init)
        inputs = try Self.read(Float.self, folder.appendingPathComponent("inputs.f32"))
        importance = try Self.read(Float.self, folder.appendingPathComponent("importance.f32"))
        loadError = nil
    }

    private init(failure: String) {
        folder = URL(fileURLWithPath: "/nonexistent")
        formatNames = []
        cases = []
        inputs = []
        importance = []
        abortingCases = [:]
        loadError = failure
    }

    func input(_ c: Case) -> [Float] { Array(inputs[c.inputOffset..<c.inputOffset + c.elementCount]) }
    func importance(_ c: Case) -> [Float] { Array(importance[c.importanceOffset..<c.importanceOffset + c.rowLength]) }

    /// Raw contents of a golden file.
    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    func values<T: BitwiseCopyable>(_ type: T.Type, _ name: String) throws -> [T] {
        try Self.read(type, folder.appendingPathComponent(name))
    }

    /// Byte offset of case `c` in a file holding every case encoded as `type`, in order.
    func byteOffset(of c: Case, type: GGMLType) -> Int {
        var offset = 0
        for other in cases {
            if other.name == c.name { return offset }
            offset += other.rows * type.rowByteCount(other.rowLength)!
        }
        return offset
    }

    private static func read<T: BitwiseCopyable>(_ type: T.Type, _ url: URL) throws -> [T] {
        let data = try Data(contentsOf: url)
        let count = data.count / MemoryLayout<T>.stride
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = data.withUnsafeBytes { raw in memcpy(buffer.baseAddress!, raw.baseAddress!, count * MemoryLayout<T>.stride) }
            initialized = count
        }
    }
}
