import Calibration
import Testing

@Suite("llama-imatrix chunking")
struct LlamaImatrixChunkTests {
    let bos: Int32 = 1

    func chunks(_ text: String, n: Int, limit: Int? = nil, first: Int = 0, bos: Int32? = 1) throws -> [CalibrationChunk] {
        try CalibrationChunks.llamaImatrix(text: text, source: "t.txt", tokenize: scalarTokens, contextLength: n,
                                           chunkLimit: limit, firstChunk: first, bos: bos)
    }

    @Test("BOS goes in front of the text and replaces the first token of every chunk")
    func bosHandling() throws {
        // [BOS a b c d e f g h i j]: 11 tokens, two whole chunks of 4, the rest unused.
        let result = try chunks("abcdefghij\n", n: 4)
        #expect(result.map(\.tokens) == [[bos] + scalarTokens("abc"), [bos] + scalarTokens("efg")])
        #expect(result.map(\.offset) == [0, 4])
        #expect(result.allSatisfy { $0.source == "t.txt" })
    }

    @Test("without BOS the tokens are cut as they are")
    func noBOS() throws {
        let result = try chunks("abcdefghij", n: 5, bos: nil)
        #expect(result.map(\.tokens) == [scalarTokens("abcde"), scalarTokens("fghij")])
    }

    @Test("exactly one trailing newline byte is dropped", arguments: [
        ("abcdefghij\n", 2),     // [BOS] + 10 = 11 tokens: 2 chunks of 4
        ("abcdefghij\n\n", 3),   // 12 tokens: only one newline goes
        ("abcdefghij\r\n", 3),   // "\r" stays: 12 tokens
        ("abcdefghijk", 3),      // no newline: 12 tokens
    ])
    func trailingNewline(text: String, expected: Int) throws {
        #expect(try chunks(text, n: 4).count == expected)
    }

    @Test("at least two chunks' worth of tokens are needed")
    func minimum() throws {
        #expect(throws: CalibrationError.textTooShort(source: "t.txt", tokens: 7, needed: 8)) {
            try chunks("abcdef", n: 4)
        }
        #expect(try chunks("abcdefg", n: 4).count == 2)
    }

    @Test("--chunks limits the count; nil or negative means all", arguments: [
        (nil, 5), (-1, 5), (0, 0), (2, 2), (5, 5), (99, 5),
    ] as [(Int?, Int)])
    func chunkLimit(limit: Int?, expected: Int) throws {
        // [BOS] + 19 letters = 20 tokens: 5 chunks of 4.
        #expect(try chunks("abcdefghijklmnopqrs", n: 4, limit: limit).count == expected)
    }

    @Test("--chunk N skips N chunks and needs more than N + 2 chunks' worth")
    func firstChunk() throws {
        let text = "abcdefghijklmnopqrst" // [BOS] + 20 = 21 tokens
        let fromTwo = try chunks(text, n: 4, first: 2)
        #expect(fromTwo.map(\.offset) == [8, 12, 16])
        #expect(fromTwo[0].tokens == [bos] + scalarTokens("ijk")) // position 8 holds "h", replaced by BOS
        #expect(try chunks(text, n: 4, first: 3).map(\.offset) == [12, 16])
        #expect(throws: CalibrationError.textTooShort(source: "t.txt", tokens: 21, needed: 25)) {
            try chunks(text, n: 4, first: 4)
        }
        #expect(throws: CalibrationError.self) { try chunks(text, n: 4, first: Int.max / 2) }
    }

    @Test("out-of-range options are rejected")
    func invalidOptions() {
        #expect(throws: CalibrationError.self) { try chunks("abcdefgh", n: 0) }
        #expect(throws: CalibrationError.self) { try chunks("abcdefgh", n: 2, first: -1) }
    }
}
