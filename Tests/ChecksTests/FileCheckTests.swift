import Checks
import Foundation
import GGUF
import Testing
import TestSupport

/// Builds small GGUF files that are clean except for one planted trap, and checks `FileChecker`
/// finds exactly that trap.
@Suite("check")
struct FileCheckTests {
    static let tokens = ["<unk>", "<s>", "</s>", "<pad>", "a", "b", "c", "d"]

    /// Metadata with none of the traps: distinct pad, ids in range, a template that does not
    /// start with BOS, a pre-tokenizer llama.cpp and ggufkit know.
    static var cleanMetadata: GGUFMetadata {
        GGUFMetadata([
            (GGUFKey.architecture, .string("llama")),
            (GGUFKey.tokenizerModel, .string("gpt2")),
            (GGUFKey.tokenizerPre, .string("smollm")),
            (GGUFKey.tokenizerTokens, .strings(tokens)),
            (GGUFKey.bosTokenID, .uint32(1)),
            (GGUFKey.eosTokenID, .uint32(2)),
            (GGUFKey.paddingTokenID, .uint32(3)),
            (GGUFKey.addBOSToken, .bool(true)),
            (GGUFKey.chatTemplate, .string("{% for m in messages %}{{ '<|user|>' + m['content'] }}{% endfor %}")),
        ])
    }

    /// One tensor's name, shape, type and bytes.
    struct Tensor {
        var name: String
        var dimensions: [Int]
        var type: GGMLType
        var bytes: [UInt8]
    }

    static func f32(_ name: String, _ dimensions: [Int], values: [Float]? = nil) -> Tensor {
        let count = dimensions.reduce(1, *)
        let data = values ?? (0 ..< count).map { Float($0 % 7) * 0.25 - 0.5 }
        return Tensor(name: name, dimensions: dimensions, type: .f32, bytes: data.withUnsafeBytes { Array($0) })
    }

    static func f16(_ name: String, _ dimensions: [Int], bits: [UInt16]? = nil) -> Tensor {
        let count = dimensions.reduce(1, *)
        let data = bits ?? (0 ..< count).map { UInt16(0x3000 + $0 % 64) }
        return Tensor(name: name, dimensions: dimensions, type: .f16, bytes: data.withUnsafeBytes { Array($0) })
    }

    /// Q8_0 rows of 32: each block an F16 scale and 32 signed bytes.
    static func q8_0(_ name: String, rows: Int, scaleBits: UInt16 = 0x2C00) -> Tensor {
        var bytes: [UInt8] = []
        for _ in 0 ..< rows {
            withUnsafeBytes(of: scaleBits.littleEndian) { bytes += $0 }
            bytes += (0 ..< 32).map { UInt8(bitPattern: Int8($0 - 16)) }
        }
        return Tensor(name: name, dimensions: [32, rows], type: .q8_0, bytes: bytes)
    }

    static var cleanTensors: [Tensor] {
        [f16("token_embd.weight", [4, tokens.count]), f32("blk.0.attn_norm.weight", [4]),
         q8_0("blk.0.attn_q.weight", rows: 4)]
    }

    static func write(_ directory: TemporaryDirectory, _ name: String = "model.gguf",
                      metadata: GGUFMetadata = cleanMetadata, tensors: [Tensor] = cleanTensors) throws -> GGUFFile {
        let path = directory.file(name)
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors.map {
            GGUFTensorDescriptor(name: $0.name, dimensions: $0.dimensions, type: $0.type)
        })
        for tensor in tensors { try tensor.bytes.withUnsafeBytes { try writer.writeTensorData($0) } }
        try writer.finish()
        return try GGUFFile(path: path)
    }

    static func kinds(metadata: GGUFMetadata = cleanMetadata, tensors: [Tensor] = cleanTensors) throws -> [CheckFinding.Kind] {
        let directory = try TemporaryDirectory()
        return FileChecker.check(try write(directory, metadata: metadata, tensors: tensors), threads: 2).findings.map(\.kind)
    }

    static func with(_ changes: [(String, GGUFValue?)]) -> GGUFMetadata {
        var metadata = cleanMetadata
        for (key, value) in changes { metadata[key] = value }
        return metadata
    }

    @Test("a clean file has no findings, and all its tensors are scanned")
    func clean() throws {
        let directory = try TemporaryDirectory()
        let report = FileChecker.check(try Self.write(directory), threads: 2)
        #expect(report.findings.isEmpty)
        #expect(report.tensorsScanned == 3 && report.tensorCount == 3)
    }

    @Test("each metadata trap is found, and only it", arguments: [
        ([(GGUFKey.paddingTokenID, GGUFValue.uint32(2))], CheckFinding.Kind.padIsEOS),
        ([(GGUFKey.paddingTokenID, nil)], .padMissing),
        ([(GGUFKey.eosTokenID, .uint32(8))], .tokenIDOutOfRange),
        ([(GGUFKey.bosTokenID, .int32(-1))], .tokenIDOutOfRange),
        ([(GGUFKey.chatTemplate, .string("{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}"))], .doubleBOS),
        ([(GGUFKey.chatTemplate, .string("{%- if true %}{{- '<s>' + messages[0]['content'] }}{% endif %}"))], .doubleBOS),
        ([(GGUFKey.chatTemplate, .string("<s>{% for m in messages %}{{ m['content'] }}{% endfor %}"))], .doubleBOS),
        ([(GGUFKey.chatTemplate, nil)], .noChatTemplate),
        ([(GGUFKey.tokenizerPre, nil)], .missingPreTokenizer),
        ([(GGUFKey.tokenizerPre, .string("my-own-regex"))], .unknownPreTokenizer),
        ([(GGUFKey.tokenizerPre, .string("bloom"))], .preTokenizerNotInGGUFKit),
    ] as [([(String, GGUFValue?)], CheckFinding.Kind)])
    func metadataTrap(changes: [(String, GGUFValue?)], expected: CheckFinding.Kind) throws {
        #expect(try Self.kinds(metadata: Self.with(changes)) == [expected])
    }

    @Test("a template that starts with BOS is fine when the tokenizer does not add one")
    func templateBOSWithoutAddBOS() throws {
        let metadata = Self.with([(GGUFKey.chatTemplate, .string("{{ bos_token }}{{ messages[0]['content'] }}")),
                                  (GGUFKey.addBOSToken, .bool(false))])
        #expect(try Self.kinds(metadata: metadata).isEmpty)
    }

    @Test("the pre-tokenizer is not checked for SentencePiece vocabularies, which do not use it")
    func sentencePiecePre() throws {
        let metadata = Self.with([(GGUFKey.tokenizerModel, .string("llama")), (GGUFKey.tokenizerPre, nil)])
        #expect(try Self.kinds(metadata: metadata).isEmpty)
    }

    @Test("embedding rows that differ from the vocabulary size are found, for the output head too")
    func embeddingRows() throws {
        var tensors = Self.cleanTensors
        tensors[0] = Self.f16("token_embd.weight", [4, 10])
        #expect(try Self.kinds(tensors: tensors) == [.embeddingRows])
        tensors = Self.cleanTensors + [Self.f16("output.weight", [4, 6])]
        let directory = try TemporaryDirectory()
        let report = FileChecker.check(try Self.write(directory, tensors: tensors))
        #expect(report.findings.map(\.kind) == [.embeddingRows] && report.findings[0].tensors == ["output.weight"])
    }

    @Test("NaN and infinity are found in F32, F16 and quantized tensors, with the tensors named")
    func nonFinite() throws {
        var values = (0 ..< 4).map(Float.init)
        values[2] = .nan
        var bits = [UInt16](repeating: 0x3C00, count: 4 * Self.tokens.count)
        bits[5] = 0xFC00 // -infinity
        let tensors = [Self.f16("token_embd.weight", [4, Self.tokens.count], bits: bits),
                       Self.f32("blk.0.attn_norm.weight", [4], values: values),
                       Self.q8_0("blk.0.attn_q.weight", rows: 4, scaleBits: 0x7E00)] // a NaN scale
        let directory = try TemporaryDirectory()
        let report = FileChecker.check(try Self.write(directory, tensors: tensors), threads: 2)
        #expect(report.findings.map(\.kind) == [.nonFinite])
        #expect(report.findings.first?.tensors == ["token_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_q.weight"])
        // 1 + 1 + every value of the Q8_0 tensor's 4 blocks.
        #expect(report.findings.first?.message.hasPrefix("130 NaN or infinite values in 3 tensors (first: token_embd.weight, row 1, column 1)") == true)
    }

    @Test("F16 values at ±65504 are reported as clamped")
    func saturated() throws {
        var bits = [UInt16](repeating: 0x3C00, count: 4 * Self.tokens.count)
        bits[0] = 0x7BFF
        bits[9] = 0xFBFF
        var tensors = Self.cleanTensors
        tensors[0] = Self.f16("token_embd.weight", [4, Self.tokens.count], bits: bits)
        let directory = try TemporaryDirectory()
        let report = FileChecker.check(try Self.write(directory, tensors: tensors))
        #expect(report.findings.map(\.kind) == [.f16Saturated])
        #expect(report.findings.first?.message.hasPrefix("2 values at ±65504") == true)
    }

    @Test("skipping the value scan reads no tensor")
    func skipValues() throws {
        let directory = try TemporaryDirectory()
        var bits = [UInt16](repeating: 0x3C00, count: 4 * Self.tokens.count)
        bits[0] = 0x7C00
        var tensors = Self.cleanTensors
        tensors[0] = Self.f16("token_embd.weight", [4, Self.tokens.count], bits: bits)
        let report = FileChecker.check(try Self.write(directory, tensors: tensors), scanValues: false)
        #expect(report.findings.isEmpty && report.tensorsScanned == 0)
    }
}
