import Foundation
import ImportanceMatrix
import Testing

@Suite("Summary for display")
struct SummaryTests {
    static func matrix() throws -> ImportanceMatrix {
        ImportanceMatrix(
            datasets: ["train.txt"], chunkCount: 3, chunkSize: 128,
            entries: [
                "blk.0.attn_q.weight": try .init(columns: 4, sums: [8, 2, 40, 2], counts: [2]),
                "blk.0.ffn_up_exps.weight": try .init(columns: 2, sums: [1, 9, 3, 1], counts: [1, 3]),
                "blk.0.ffn_gate_exps.weight": try .init(columns: 2, sums: [1, 1], counts: [0]),
            ])
    }

    @Test("rows give columns, matrices, tokens, the mean of column means and the top columns")
    func rows() throws {
        let summary = try Self.matrix().summary(topColumns: 3)
        #expect(summary.datasets == ["train.txt"] && summary.chunkCount == 3 && summary.chunkSize == 128)
        #expect(summary.entries.map(\.name) == ["blk.0.attn_q.weight", "blk.0.ffn_gate_exps.weight", "blk.0.ffn_up_exps.weight"])

        let q = summary.entries[0]
        #expect(q.columns == 4 && q.matrices == 1 && q.count == 2)
        #expect(q.mean == 6.5) // column means 4, 1, 20, 1
        #expect(q.topColumns.map(\.index) == [2, 0, 1], "ties go to the lower column")
        #expect(q.topColumns.map(\.mean) == [20, 4, 1])

        let unused = summary.entries[1]
        #expect(unused.count == 0 && unused.mean == nil && unused.topColumns.isEmpty)

        let experts = summary.entries[2]
        #expect(experts.matrices == 2 && experts.count == 4)
        #expect(experts.topColumns.map(\.index) == [1, 0]) // (9 + 1) / 4 and (1 + 3) / 4
        #expect(experts.topColumns.map(\.mean) == [2.5, 1])
    }

    @Test("the text names the datasets and every entry, with its top columns")
    func text() throws {
        let text = try Self.matrix().summary().text
        #expect(text.contains("datasets: train.txt"))
        #expect(text.contains("chunks: 3 of 128 tokens"))
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("  blk.0.attn_q.weight ") })
        #expect(row.split(separator: " ").map(String.init) == ["blk.0.attn_q.weight", "4", "1", "2", "6.5000"])
        #expect(text.contains("2: 20.0000, 0: 4.0000"))
    }

    @Test("the JSON form uses snake_case keys and null for entries without data")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Self.matrix().summary(topColumns: 1))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["datasets", "chunk_count", "chunk_size", "entries"])
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(Set(entries[0].keys) == ["name", "columns", "matrices", "count", "mean", "top_columns"])
        #expect(entries[1]["mean"] is NSNull || entries[1]["mean"] == nil)
    }
}
