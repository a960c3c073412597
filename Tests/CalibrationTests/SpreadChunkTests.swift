import Calibration
import Testing

@Suite("Chunks spread over every document")
struct SpreadChunkTests {
    /// Documents of 1000, 3000, 500 and 40 scalar tokens.
    let documents = [
        CalibrationDocument(name: "a.txt", text: String(repeating: "a", count: 1000)),
        CalibrationDocument(name: "b.txt", text: String(repeating: "b", count: 3000)),
        CalibrationDocument(name: "c.txt", text: String(repeating: "c", count: 500)),
        CalibrationDocument(name: "d.txt", text: String(repeating: "d", count: 40)),
    ]

    func perSource(_ chunks: [CalibrationChunk]) -> [String: Int] {
        chunks.reduce(into: [:]) { $0[$1.source, default: 0] += 1 }
    }

    @Test("the same input gives the same chunks")
    func deterministic() throws {
        let first = try CalibrationChunks.spread(documents: documents, tokenize: scalarTokens,
                                                 chunkLength: 100, chunkCount: 13, bos: 1)
        let second = try CalibrationChunks.spread(documents: documents, tokenize: scalarTokens,
                                                  chunkLength: 100, chunkCount: 13, bos: 1)
        #expect(first == second)
    }

    @Test("every document gets a chunk, the rest go by size, capped at what a document holds")
    func allotment() throws {
        // Windows of 99 tokens (BOS first): capacities 10, 30, 5, 1. One each; d is then full,
        // and the other 9 go to a, b, c in proportion 1000:3000:500, that is 2, 6, 1.
        let chunks = try CalibrationChunks.spread(documents: documents, tokenize: scalarTokens,
                                                  chunkLength: 100, chunkCount: 13, bos: 1)
        #expect(chunks.count == 13)
        #expect(perSource(chunks) == ["a.txt": 3, "b.txt": 7, "c.txt": 2, "d.txt": 1])
        #expect(chunks.map(\.source) == ["a.txt", "a.txt", "a.txt"] + Array(repeating: "b.txt", count: 7)
            + ["c.txt", "c.txt", "d.txt"])
    }

    @Test("a capped document's surplus is shared among the others")
    func caps() throws {
        // Windows of 100: capacities 2, 10, 10. 21 chunks: one each, then 18 in proportion
        // 299:1000:1000 → 2.34, 7.83, 7.83 → 2, 8, 8 (leftovers to the larger remainders). x
        // holds only one more, so the 1 cut off is shared again by y and z: a tie, to y.
        let capped = [
            CalibrationDocument(name: "x", text: String(repeating: "x", count: 299)),
            CalibrationDocument(name: "y", text: String(repeating: "y", count: 1000)),
            CalibrationDocument(name: "z", text: String(repeating: "z", count: 1000)),
        ]
        let chunks = try CalibrationChunks.spread(documents: capped, tokenize: scalarTokens,
                                                  chunkLength: 100, chunkCount: 21)
        #expect(perSource(chunks) == ["x": 2, "y": 10, "z": 9])
        let all = try CalibrationChunks.spread(documents: documents, tokenize: scalarTokens,
                                               chunkLength: 400, chunkCount: 1000)
        #expect(perSource(all) == ["a.txt": 2, "b.txt": 7, "c.txt": 1, "d.txt": 1])
    }

    @Test("windows are evenly spaced, do not overlap and carry BOS in front")
    func windows() throws {
        let numbered = CalibrationDocument(name: "n.txt", text: String((0 ..< 1000).map {
            Character(Unicode.Scalar(0x4E00 + UInt32($0))!)
        }))
        let chunks = try CalibrationChunks.spread(documents: [numbered], tokenize: scalarTokens,
                                                  chunkLength: 100, chunkCount: 4, bos: 7)
        #expect(chunks.map(\.offset) == [0, 250, 500, 750])
        for chunk in chunks {
            #expect(chunk.tokens.count == 100)
            #expect(chunk.tokens[0] == 7)
            #expect(chunk.tokens[1...] == scalarTokens(numbered.text)[chunk.offset ..< chunk.offset + 99])
        }
    }

    @Test("a short document contributes what it has")
    func shortDocument() throws {
        let chunks = try CalibrationChunks.spread(documents: documents, tokenize: scalarTokens,
                                                  chunkLength: 64, chunkCount: 8)
        let short = chunks.filter { $0.source == "d.txt" }
        #expect(short.count == 1)
        #expect(short.first?.tokens.count == 40)
        #expect(chunks.filter { $0.source != "d.txt" }.allSatisfy { $0.tokens.count == 64 })
    }

    @Test("fewer chunks than documents are taken from documents spread through the list")
    func fewerChunksThanDocuments() throws {
        let many = (0 ..< 16).map { CalibrationDocument(name: "doc\($0)", text: String(repeating: "z", count: 300)) }
        let chunks = try CalibrationChunks.spread(documents: many, tokenize: scalarTokens,
                                                  chunkLength: 50, chunkCount: 4)
        #expect(chunks.map(\.source) == ["doc2", "doc6", "doc10", "doc14"])
        let one = try CalibrationChunks.spread(documents: many, tokenize: scalarTokens, chunkLength: 50, chunkCount: 1)
        #expect(one.map(\.source) == ["doc8"])
    }

    @Test("documents with no tokens are skipped; none at all is an error")
    func emptyDocuments() throws {
        let chunks = try CalibrationChunks.spread(documents: documents, tokenize: { $0.hasPrefix("a") ? [] : scalarTokens($0) },
                                                  chunkLength: 100, chunkCount: 5)
        #expect(Set(chunks.map(\.source)) == ["b.txt", "c.txt", "d.txt"])
        #expect(throws: CalibrationError.noTokens(documents: "a.txt, b.txt, c.txt, d.txt")) {
            try CalibrationChunks.spread(documents: documents, tokenize: { _ in [] }, chunkLength: 100, chunkCount: 5)
        }
    }

    @Test("out-of-range options are rejected", arguments: [(0, 5, nil), (1, 5, Int32(1)), (10, 0, nil), (10, -3, nil)] as [(Int, Int, Int32?)])
    func invalidOptions(chunkLength: Int, chunkCount: Int, bos: Int32?) {
        #expect(throws: CalibrationError.self) {
            try CalibrationChunks.spread(documents: documents, tokenize: scalarTokens,
                                         chunkLength: chunkLength, chunkCount: chunkCount, bos: bos)
        }
    }

    @Test("tokenizer errors come through unchanged")
    func tokenizerErrors() {
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try CalibrationChunks.spread(documents: documents, tokenize: { _ in throw Refused() },
                                         chunkLength: 10, chunkCount: 2)
        }
    }
}
