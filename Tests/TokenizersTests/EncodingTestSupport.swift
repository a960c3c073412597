import FileSupport
import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

/// The llama.cpp goldens in scripts/tokenizer-goldens (made by scripts/make-tokenizer-goldens.py).
struct GoldenCase: Decodable, Sendable {
    /// A metadata change: a new value, or `nil` to remove the key.
    enum Override: Decodable, Sendable {
        case string(String)
        case bool(Bool)
        case remove

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .remove
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    let model: String
    let overrides: [String: Override]
    let addSpecial: Bool
    let parseSpecial: Bool
    let text: String
    let ids: [Int32]

    enum CodingKeys: String, CodingKey {
        case model, overrides, text, ids
        case addSpecial = "add_special"
        case parseSpecial = "parse_special"
    }

    /// Cases grouped by tokenizer: model name plus overrides, in file order.
    var group: String {
        let changes = overrides.keys.sorted().map { key in
            switch overrides[key]! {
            case let .string(value): return "\(key)=\(value)"
            case let .bool(value): return "\(key)=\(value)"
            case .remove: return "-\(key)"
            }
        }
        return ([model] + changes).joined(separator: " ")
    }

    func apply(to metadata: GGUFMetadata) -> GGUFMetadata {
        var result = metadata
        for (key, change) in overrides {
            switch change {
            case let .string(value): result[key] = .string(value)
            case let .bool(value): result[key] = .bool(value)
            case .remove: result[key] = nil
            }
        }
        return result
    }
}

enum Goldens {
    struct File: Decodable {
        let cases: [GoldenCase]
    }

    static let folder = TestAssets.packageRoot.appendingPathComponent("scripts/tokenizer-goldens")

    static let cases: [GoldenCase] = {
        do {
            let data = try Data(contentsOf: folder.appendingPathComponent("llama-cpp-ids.json"))
            return try JSONDecoder().decode(File.self, from: data).cases
        } catch {
            return []
        }
    }()

    /// Group names for one model, in file order.
    static func groups(model: String) -> [String] {
        var seen: [String] = []
        for golden in cases where golden.model == model && !seen.contains(golden.group) {
            seen.append(golden.group)
        }
        return seen
    }

    static func cases(inGroup group: String) -> [GoldenCase] {
        cases.filter { $0.group == group }
    }

    /// Metadata of a committed tiny tokenizer ("tiny-bpe" or "tiny-spm"), stored as JSON
    /// (GGUF files are git-ignored) and typed the way the converter types each key.
    static func metadata(_ name: String) throws -> GGUFMetadata {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).json"))
        let root = try #require(try data.withUnsafeBytes { try JSONParser.parse($0, options: pythonJSON) }.objectValue)
        var metadata = GGUFMetadata()
        for member in root.uniqueMembers {
            let key = member.key
            switch (key, member.value) {
            case (GGUFKey.tokenizerTokens, _), (GGUFKey.tokenizerMerges, _):
                metadata[key] = .strings(try #require(member.value.arrayValue).map { try #require($0.stringValue) })
            case (GGUFKey.tokenizerTokenType, _):
                metadata[key] = .int32s(try #require(member.value.arrayValue).map { Int32(try #require($0.pythonInt)) })
            case (GGUFKey.tokenizerScores, _):
                metadata[key] = .float32s(try #require(member.value.arrayValue).map { element in
                    switch element {
                    case let .number(number): return Float(number.doubleValue)
                    default: throw TestFailure("\(name).json: score \(element) is not a number")
                    }
                })
            case let (_, .bool(flag)): metadata[key] = .bool(flag)
            case let (_, .number(number)): metadata[key] = .uint32(UInt32(try #require(number.integerValue)))
            case let (_, .string(text)): metadata[key] = .string(text)
            default: throw TestFailure("\(name).json: unexpected value for \(key)")
            }
        }
        return metadata
    }
}

/// The real tokenizers used by the reference tests; each is loaded once.
enum RealTokenizers {
    static let hasSmolLM2 = TestAssets.smolLM2 != nil
    static let hasStories = TestAssets.stories260K != nil
    static var smolLM2Folder: String { TestAssets.smolLM2 ?? "" }
    static var storiesFolder: String { TestAssets.stories260K ?? "" }

    /// SmolLM2's metadata as the converter writes it (vocab 49152, so add_bos_token false).
    static let smolLM2Metadata: GGUFMetadata? = try? HFTokenizerLoader.metadata(
        directory: smolLM2Folder, vocabSize: 49152, options: TokenizerMetadataOptions())
    static let storiesMetadata: GGUFMetadata? = try? HFTokenizerLoader.metadata(
        directory: storiesFolder, vocabSize: 512, options: TokenizerMetadataOptions())

    static func metadata(model: String) throws -> GGUFMetadata {
        switch model {
        case "tiny-bpe", "tiny-spm": return try Goldens.metadata(model)
        case "smollm2": return try #require(smolLM2Metadata)
        case "stories260K": return try #require(storiesMetadata)
        default: throw TestFailure("unknown golden model \(model)")
        }
    }
}

/// Shared text assets.
enum SharedText {
    static var wiki: String { TestAssets.shared("text/wikitext-2-raw/wiki.test.raw") ?? "" }
    static var tinyStories: String { TestAssets.shared("text/tinystories/valid-sample.txt") ?? "" }

    /// The first `bytes` bytes of a file, cut back to a whole character.
    static func prefix(_ path: String, bytes: Int) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(bytes)
        var end = data.count
        while end > 0, data[data.startIndex + end - 1] & 0xC0 == 0x80 { end -= 1 }
        if end > 0, data[data.startIndex + end - 1] >= 0xC0 { end -= 1 }
        return String(decoding: data.prefix(end), as: UTF8.self)
    }
}

/// llama.cpp's tokenizer through scripts/llama-tokenize-ref.c, when it has been built
/// (scripts/build-llama-tokenize-ref.sh).
enum LlamaReference {
    static var tool: String {
        ProcessInfo.processInfo.environment["GGUFKIT_LLAMA_TOKENIZE"]
            ?? TestAssets.fixtures + "/tokenize-ref/ggufkit-llama-tokenize"
    }

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: tool) }

    /// Ids for each request, in order.
    static func tokenize(model: String, _ requests: [(text: String, addSpecial: Bool, parseSpecial: Bool)]) throws -> [[Int32]] {
        var input = Data()
        for request in requests {
            let bytes = Data(request.text.utf8)
            input.append(Data("\(request.addSpecial ? 1 : 0) \(request.parseSpecial ? 1 : 0) \(bytes.count)\n".utf8))
            input.append(bytes)
        }
        let output = try ChildProcess.run(tool, [model], input: input)
        guard output.status == 0 else {
            throw TestFailure("\(tool) exited with \(output.status)")
        }
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return requests.indices.map { index in
            index < lines.count ? lines[index].split(separator: " ").compactMap { Int32($0) } : []
        }
    }
}

/// Where two id sequences first differ, for readable failures.
func firstDifference(_ a: [Int32], _ b: [Int32]) -> String {
    guard a != b else { return "equal" }
    let index = (0 ..< min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    let low = max(index - 3, 0)
    return "first difference at \(index): \(Array(a[low ..< min(index + 5, a.count)])) vs \(Array(b[low ..< min(index + 5, b.count)])) (lengths \(a.count), \(b.count))"
}
