import GGUF
import ImportanceMatrix
import Testing

@Suite("Quantizer weights, filtering and output metadata")
struct ImportanceValuesTests {
    static func matrix(_ entries: [String: ImportanceMatrix.Entry]) -> ImportanceMatrix {
        ImportanceMatrix(datasets: ["data/train.txt", "more.txt"], chunkCount: 12, chunkSize: 256, entries: entries)
    }

    @Test("each sum is divided by its matrix's count in Float")
    func dense() throws {
        let sums: [Float] = [3, 6, 1.5, 0, 1e-3, 7]
        let matrix = Self.matrix(["blk.0.attn_v.weight": try .init(columns: 6, sums: sums, counts: [3])])
        let weights = try #require(try matrix.importance(for: "blk.0.attn_v.weight", columns: 6))
        #expect(weights == [1, 2, 0.5, 0, Float(1e-3) / 3, Float(7) / 3])
        #expect(weights.map(\.bitPattern) == sums.map { ($0 / Float(3)).bitPattern })
    }

    @Test("per-expert counts: a matrix no token reached gets weight 1 in every column")
    func experts() throws {
        let sums: [Float] = [2, 4, 6, 8, 10, 12]
        let matrix = Self.matrix(["blk.0.ffn_up_exps.weight": try .init(columns: 2, sums: sums, counts: [2, 0, 4])])
        let weights = try matrix.importance(for: "blk.0.ffn_up_exps.weight", columns: 2, matrixCount: 3)
        #expect(weights == [1, 2, 1, 1, 2.5, 3])
    }

    @Test("counts are rounded half away from zero first, as lround does; one rounding to 0 means no data",
          arguments: [(2.5, 2), (2.49, 3), (0.5, 6), (0.4, 1)] as [(Float, Float)])
    func rounding(count: Float, weight: Float) throws {
        let matrix = Self.matrix(["t": try .init(columns: 1, sums: [6], counts: [count])])
        #expect(try matrix.importance(for: "t", columns: 1) == [weight])
    }

    @Test("no entry gives nil; a size mismatch is an error naming the tensor and both sizes")
    func missingAndMismatched() throws {
        let matrix = Self.matrix(["blk.0.attn_q.weight": try .init(columns: 4, sums: [1, 2, 3, 4], counts: [1])])
        #expect(try matrix.importance(for: "blk.0.attn_k.weight", columns: 4) == nil)
        let error = #expect(throws: ImportanceMatrixError.self) {
            try matrix.importance(for: "blk.0.attn_q.weight", columns: 4, matrixCount: 2)
        }
        #expect(error == .sizeMismatch(tensor: "blk.0.attn_q.weight", importance: 4, expected: 8))
        #expect(error?.description.contains("blk.0.attn_q.weight") == true)
        #expect(throws: ImportanceMatrixError.self) { try matrix.importance(for: "blk.0.attn_q.weight", columns: 0) }
    }

    @Test("token embeddings of the wrong size are quantized without weights, as llama-quantize does",
          arguments: ["token_embd.weight", "per_layer_token_embd.weight"])
    func tokenEmbeddingMismatch(name: String) throws {
        let matrix = Self.matrix([name: try .init(columns: 3, sums: [1, 2, 3], counts: [1])])
        #expect(try matrix.importance(for: name, columns: 5) == nil)
        #expect(try matrix.importance(for: name, columns: 3) == [1, 2, 3])
    }

    @Test("output metadata is what llama-quantize records for the matrix")
    func quantizationMetadata() throws {
        let entry = try ImportanceMatrix.Entry(columns: 1, sums: [1], counts: [1])
        let matrix = Self.matrix(["a": entry, "b": entry, "c": entry])
        #expect(matrix.quantizationMetadata(imatrixPath: "runs/imatrix.gguf") == GGUFMetadata([
            ("quantize.imatrix.file", .string("runs/imatrix.gguf")),
            ("quantize.imatrix.dataset", .string("data/train.txt")),
            ("quantize.imatrix.entries_count", .uint32(3)),
            ("quantize.imatrix.chunks_count", .uint32(12)),
        ]))

        let bare = ImportanceMatrix(entries: ["a": entry])
        #expect(bare.quantizationMetadata(imatrixPath: "x.dat").keys == ["quantize.imatrix.file", "quantize.imatrix.entries_count"])
        #expect(ImportanceMatrix().quantizationMetadata(imatrixPath: "x.dat").count == 0)

        let long = String(repeating: "d/", count: 63) + "é.gguf" // "é" would straddle byte 127
        let cut = bare.quantizationMetadata(imatrixPath: long)["quantize.imatrix.file"]?.stringValue
        #expect(cut == String(repeating: "d/", count: 63))
    }
}
