import Models
import Testing

@Suite("Q/K row permutation")
struct RowPermutationTests {
    /// Hand-computed from NumPy's `w.reshape(heads, 2, rows / heads / 2, cols).swapaxes(1, 2)`:
    /// within each head, output row `2i + s` is source row `s * half + i`.
    static let handComputed: [(heads: Int, rows: Int, sourceRows: [Int])] = [
        (1, 2, [0, 1]),
        (1, 8, [0, 4, 1, 5, 2, 6, 3, 7]),
        (2, 8, [0, 2, 1, 3, 4, 6, 5, 7]),
        (4, 8, [0, 1, 2, 3, 4, 5, 6, 7]),
        (2, 12, [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]),
        (3, 12, [0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11]),
    ]

    @Test("matches NumPy's reshape/swapaxes on small examples", arguments: 0 ..< handComputed.count)
    func handExample(index: Int) {
        let (heads, rows, expected) = Self.handComputed[index]
        let permutation = RowPermutation(heads: heads)
        let sources = (0 ..< rows).map { permutation.sourceRow(forOutputRow: $0, rowCount: rows) }
        #expect(sources == expected)
    }

    /// The same reshape/swapaxes done literally on an index array, for larger shapes.
    static func numpyOrder(heads: Int, rows: Int) -> [Int] {
        let half = rows / heads / 2
        // a[h][s][i] = h * 2 * half + s * half + i; swapaxes(1, 2) gives b[h][i][s] = a[h][s][i],
        // and flattening b row-major lists the source rows in output order.
        var out: [Int] = []
        for h in 0 ..< heads {
            for i in 0 ..< half {
                for s in 0 ..< 2 { out.append(h * 2 * half + s * half + i) }
            }
        }
        return out
    }

    @Test("matches the literal index shuffle for real head layouts",
          arguments: [(32, 4096), (8, 1024), (9, 576), (3, 192), (14, 896), (2, 256)])
    func literalShuffle(heads: Int, rows: Int) {
        let permutation = RowPermutation(heads: heads)
        let sources = (0 ..< rows).map { permutation.sourceRow(forOutputRow: $0, rowCount: rows) }
        #expect(sources == Self.numpyOrder(heads: heads, rows: rows))
    }

    @Test("sourceRow and outputRow are inverse bijections",
          arguments: [(1, 2), (1, 16), (2, 8), (4, 64), (3, 24), (9, 576), (5, 10)])
    func inverses(heads: Int, rows: Int) {
        let p = RowPermutation(heads: heads)
        var seen = Set<Int>()
        for row in 0 ..< rows {
            let source = p.sourceRow(forOutputRow: row, rowCount: rows)
            #expect((0 ..< rows).contains(source))
            seen.insert(source)
            #expect(p.outputRow(forSourceRow: source, rowCount: rows) == row)
            #expect(p.sourceRow(forOutputRow: p.outputRow(forSourceRow: row, rowCount: rows), rowCount: rows) == row)
        }
        #expect(seen.count == rows)
    }

    @Test("rows never leave their head")
    func staysInHead() {
        let p = RowPermutation(heads: 4)
        for row in 0 ..< 64 {
            #expect(p.sourceRow(forOutputRow: row, rowCount: 64) / 16 == row / 16)
        }
    }
}
