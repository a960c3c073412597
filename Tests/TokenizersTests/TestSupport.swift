import FileSupport
import Foundation
import GGUF
import TestSupport
@testable import Tokenizers

extension LogLines {
    /// Loader options whose log lines are collected here.
    func options(pre: String? = nil, recipe: VocabRecipe = .llama) -> TokenizerMetadataOptions {
        TokenizerMetadataOptions(log: { [self] line in append(line) }, preTokenizerOverride: pre, recipe: recipe)
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

extension Python {
    /// Runs a script that prints one JSON document and parses it as the loader parses
    /// JSON (Python's `NaN` and `Infinity` included).
    static func jsonValue(_ script: String, arguments: [String] = []) throws -> JSONValue {
        let output = try run(script: script, arguments: arguments)
        guard output.status == 0 else { throw TestFailure(output.stderr) }
        return try output.stdoutData.withUnsafeBytes { try JSONParser.parse($0, options: pythonJSON) }
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
