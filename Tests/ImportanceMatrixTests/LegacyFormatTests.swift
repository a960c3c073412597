import Foundation
import ImportanceMatrix
import Testing
import TestSupport

@Suite("Legacy .dat format")
struct LegacyFormatTests {
    /// Two entries as llama-imatrix's legacy writer lays them out (sorted names), then the trailer.
    static func sampleBytes() -> LegacyBytes {
        var dat = LegacyBytes()
        dat.i32(2)
        dat.entry("blk.0.attn_q.weight", calls: 4, values: [0.5, 8, 2.25])
        dat.entry("blk.0.ffn_gate_exps.weight", calls: 10, values: [1, 2, 3, 4, 5, 6])
        dat.trailer(chunks: 4, dataset: "wiki.train.raw")
        return dat
    }

    @Test("entries, call counts, chunk count and dataset are read")
    func reads() throws {
        let directory = try TemporaryDirectory()
        let matrix = try ImportanceMatrix(contentsOf: directory.write("imatrix.dat", bytes: Self.sampleBytes().bytes))
        #expect(matrix.names == ["blk.0.attn_q.weight", "blk.0.ffn_gate_exps.weight"])
        #expect(matrix.datasets == ["wiki.train.raw"])
        #expect(matrix.chunkCount == 4)
        #expect(matrix.chunkSize == 0)
        let q = try #require(matrix.entries["blk.0.attn_q.weight"])
        #expect(q.columns == 3 && q.sums == [0.5, 8, 2.25] && q.counts == [4])
        let experts = try #require(matrix.entries["blk.0.ffn_gate_exps.weight"])
        #expect(experts.sums == [1, 2, 3, 4, 5, 6] && experts.counts == [10])
    }

    @Test("older trailers: none at all, or the chunk count alone")
    func shortTrailers() throws {
        let directory = try TemporaryDirectory()
        var bare = LegacyBytes()
        bare.i32(1)
        bare.entry("output.weight", calls: 2, values: [1, 2])
        var chunksOnly = bare
        chunksOnly.i32(9)
        var emptyDataset = chunksOnly
        emptyDataset.i32(0)

        let none = try ImportanceMatrix(contentsOf: directory.write("a.dat", bytes: bare.bytes))
        #expect(none.chunkCount == 0 && none.datasets.isEmpty)
        let chunks = try ImportanceMatrix(contentsOf: directory.write("b.dat", bytes: chunksOnly.bytes))
        #expect(chunks.chunkCount == 9 && chunks.datasets.isEmpty)
        let empty = try ImportanceMatrix(contentsOf: directory.write("c.dat", bytes: emptyDataset.bytes))
        #expect(empty.chunkCount == 9 && empty.datasets.isEmpty)
    }

    @Test("importance divides the stored values by the call count, as llama-quantize does")
    func legacyImportance() throws {
        let directory = try TemporaryDirectory()
        let matrix = try ImportanceMatrix(contentsOf: directory.write("imatrix.dat", bytes: Self.sampleBytes().bytes))
        #expect(try matrix.importance(for: "blk.0.attn_q.weight", columns: 3) == [0.125, 2, 0.5625])
        // A merged-experts tensor: only the total size has to match.
        let experts = try matrix.importance(for: "blk.0.ffn_gate_exps.weight", columns: 2, matrixCount: 3)
        #expect(experts == [1, 2, 3, 4, 5, 6].map { Float($0) / Float(10) })
    }
}
