import Testing
@testable import Tokenizers

@Suite("SentencePiece protobuf")
struct SentencePieceModelTests {
    private func parse(_ bytes: [UInt8]) throws(TokenizersError) -> SentencePieceModel {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(TokenizersError) in try SentencePieceModel.parse(buffer, path: "test.model") }
        }
        return try result.get()
    }

    @Test("reads pieces, scores, types and the trainer/normalizer settings")
    func readsModel() throws {
        let bytes = ProtobufWriter.model(extra: [("▁a", -1.5, nil), ("<mine>", 0, 4), ("zz", -2, 5)], addDummyPrefix: false)
        let model = try parse(bytes)
        #expect(model.pieces.count == 3 + 256 + 3)
        #expect(model.pieces[0] == .init(text: "<unk>", score: 0, type: .unknown))
        #expect(model.pieces[3] == .init(text: "<0x00>", score: 0, type: .byte))
        #expect(model.pieces[259] == .init(text: "▁a", score: -1.5, type: .normal))
        #expect(model.pieces[260].type == .userDefined)
        #expect(model.pieces[261].type == .unused)
        #expect(model.modelType == .bpe)
        #expect(model.byteFallback)
        #expect(model.padId == -1)
        #expect(model.normalizerName == "identity")
        #expect(!model.addDummyPrefix)
    }

    @Test("skips unknown fields of every wire type")
    func skipsUnknownFields() throws {
        var bytes = ProtobufWriter.model(extra: [], byteFallback: false)
        bytes += ProtobufWriter.varintField(9, 12345)
        bytes += ProtobufWriter.tag(10, 1) + [UInt8](repeating: 7, count: 8)
        bytes += ProtobufWriter.tag(11, 5) + [1, 2, 3, 4]
        bytes += ProtobufWriter.lengthDelimited(12, [1, 2, 3])
        #expect(try parse(bytes).pieces.count == 3)
    }

    @Test("corrupt messages fail with the byte offset", arguments: [
        ("truncated varint", [0x48, 0x80] as [UInt8], 1, "truncated varint"),
        ("length past end", [0x0A, 0x05, 0x0A, 0x01], 1, "runs past the end"),
        ("inner length past end", [0x0A, 0x03, 0x0A, 0x05, 0x41], 3, "runs past the end"),
        ("group wire type", [0x4B], 1, "group"),
        ("wire type 7", [0x0F], 0, "unknown wire type"),
        ("field zero", [0x00, 0x01], 0, "field number 0"),
        ("truncated fixed32", [0x0A, 0x03, 0x15, 0x00, 0x00], 3, "truncated fixed32"),
        ("over-long varint", [0x48] + [UInt8](repeating: 0xFF, count: 10) + [0x01], 1, "longer than 64 bits"),
        ("piece with wrong wire type", [0x08, 0x01], 1, "wire type 0, expected 2"),
    ])
    func corrupt(_ name: String, bytes: [UInt8], offset: Int, reason: String) {
        do {
            _ = try parse(bytes)
            Issue.record("\(name) was accepted")
        } catch let TokenizersError.invalidProtobuf(path, badOffset, message) {
            #expect(path == "test.model")
            #expect(badOffset == offset, "\(name): \(message)")
            #expect(message.contains(reason), "\(name): \(message)")
        } catch {
            Issue.record("\(name): unexpected \(error)")
        }
    }

    @Test("models SentencePiece would refuse are refused", arguments: [
        ("no pieces", [] as [UInt8], "no pieces"),
        ("no unknown piece", ProtobufWriter.piece("a", score: 0, type: 1), "UNKNOWN"),
        ("duplicate piece", ProtobufWriter.piece("<unk>", score: 0, type: 2) + ProtobufWriter.piece("a", score: 0, type: nil)
            + ProtobufWriter.piece("a", score: 0, type: 4), "already defined"),
        ("empty piece", ProtobufWriter.piece("<unk>", score: 0, type: 2) + ProtobufWriter.piece("", score: 0, type: nil), "empty"),
        ("byte piece without byte_fallback", ProtobufWriter.piece("<unk>", score: 0, type: 2)
            + ProtobufWriter.piece("<0x41>", score: 0, type: 6), "byte_fallback"),
        ("byte_fallback with missing bytes", ProtobufWriter.piece("<unk>", score: 0, type: 2)
            + ProtobufWriter.lengthDelimited(2, ProtobufWriter.varintField(35, 1)), "<0x00> is missing"),
        ("invalid UTF-8 piece", ProtobufWriter.piece("<unk>", score: 0, type: 2)
            + ProtobufWriter.lengthDelimited(1, ProtobufWriter.lengthDelimited(1, [0xFF])), "UTF-8"),
    ])
    func refused(_ name: String, bytes: [UInt8], reason: String) {
        do {
            _ = try parse(bytes)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(name): \(error)")
        }
    }
}
