import Foundation
import Inference
import Testing

@Suite("Activation statistics tap")
struct ActivationTapTests {
    static let sequences: [[Int32]] = [[1, 17, 5, 63, 0, 42, 42, 8], [30, 2, 11, 9, 9, 50]]

    @Test("layer 0's attention input is RMSNorm(embedding) × attn_norm, summed per column")
    func firstLayerInput() throws {
        let (tiny, model, _) = try TinyModelTests.load(TinyModelSpec())
        let statistics = ColumnStatistics(threads: 2, include: ColumnStatistics.importanceMatrixSelection(includeOutput: false))
        try model.observeActivations(sequences: Self.sequences, tap: statistics)

        let width = 32
        let embedding = try #require(tiny.values("token_embd.weight"))
        let norm = try #require(tiny.values("blk.0.attn_norm.weight"))
        var squares = [Double](repeating: 0, count: width)
        var magnitudes = [Double](repeating: 0, count: width)
        for token in Self.sequences.joined() {
            let row = embedding[(Int(token) * width) ..< ((Int(token) + 1) * width)].map(Double.init)
            let scale = 1 / (row.map { $0 * $0 }.reduce(0, +) / Double(width) + 1e-5).squareRoot()
            for column in 0 ..< width {
                let x = row[column] * scale * Double(norm[column])
                squares[column] += x * x
                magnitudes[column] += abs(x)
            }
        }
        let q = try #require(statistics.entries["blk.0.attn_q.weight"])
        #expect(q.rows == 14)
        for column in 0 ..< width {
            #expect(abs(q.sumOfSquares[column] - squares[column]) <= 1e-4 * max(1, squares[column]), "column \(column)")
            #expect(abs(q.sumOfMagnitudes[column] - magnitudes[column]) <= 1e-4 * max(1, magnitudes[column]))
        }
        // Weights applied to the same input get the same statistics.
        #expect(statistics.entries["blk.0.attn_k.weight"] == q)
        #expect(statistics.entries["blk.0.attn_v.weight"] == q)
        #expect(statistics.entries["blk.1.ffn_gate.weight"] == statistics.entries["blk.1.ffn_up.weight"])
        // Every matrix of every block, no head, with its input width.
        #expect(statistics.entries.count == 2 * 7)
        #expect(statistics.entries["output.weight"] == nil)
        #expect(statistics.entries["blk.1.ffn_down.weight"]?.columns == 48)
        #expect(statistics.entries["blk.1.attn_output.weight"]?.columns == 32)
    }

    @Test("the same statistics for any thread count, and the head only when asked for")
    func deterministicAndSelective() throws {
        var results: [[String: ColumnStatistics.Entry]] = []
        for threads in [1, 2, 3] {
            let (_, model, _) = try TinyModelTests.load(TinyModelSpec(), options: .exact(threads: threads))
            let statistics = ColumnStatistics(threads: threads,
                                              include: ColumnStatistics.importanceMatrixSelection(includeOutput: true))
            try model.observeActivations(sequences: Self.sequences, tap: statistics)
            results.append(statistics.entries)
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
        #expect(results[0]["output.weight"]?.rows == 14)
    }
}
