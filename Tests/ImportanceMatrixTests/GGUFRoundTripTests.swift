import Foundation
import GGUF
import ImportanceMatrix
import Testing
import TestSupport

@Suite("GGUF format: writing and reading back")
struct GGUFRoundTripTests {
    @Test("a written matrix reads back equal")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let matrix = try sampleMatrix()
        let path = directory.file("imatrix.gguf")
        try matrix.write(to: path)
        #expect(try ImportanceMatrix(contentsOf: path) == matrix)
        #expect(directory.entries == ["imatrix.gguf"], "no temporary file is left behind")
    }

    @Test("the layout is llama-imatrix's: keys, sorted names, sums before counts, ggml shapes")
    func layout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("imatrix.gguf")
        try sampleMatrix().write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.metadata.keys == ["general.type", "imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"])
        #expect(file.metadata["general.type"] == .string("imatrix"))
        #expect(file.metadata["imatrix.datasets"] == .strings(["wiki.train.raw", "données.txt"]))
        #expect(file.metadata["imatrix.chunk_count"] == .uint32(7))
        #expect(file.metadata["imatrix.chunk_size"] == .uint32(512))
        let layout = file.tensors.map { "\($0.name) \($0.dimensions) \($0.type.name)" }
        #expect(layout == [
            "blk.0.attn_q.weight.in_sum2 [8] f32", "blk.0.attn_q.weight.counts [1] f32",
            "blk.0.ffn_down_exps.weight.in_sum2 [4, 3] f32", "blk.0.ffn_down_exps.weight.counts [1, 3] f32",
            "blk.1.ffn_up.weight.in_sum2 [16] f32", "blk.1.ffn_up.weight.counts [1] f32",
            "blk.Ω.x.weight.in_sum2 [2] f32", "blk.Ω.x.weight.counts [1] f32",
        ])
    }

    @Test("the same matrix always gives the same bytes")
    func deterministic() throws {
        let directory = try TemporaryDirectory()
        let matrix = try sampleMatrix()
        try matrix.write(to: directory.file("a.gguf"))
        try matrix.write(to: directory.file("b.gguf"))
        let a = try Data(contentsOf: URL(fileURLWithPath: directory.file("a.gguf")))
        let b = try Data(contentsOf: URL(fileURLWithPath: directory.file("b.gguf")))
        #expect(a == b)
    }

    @Test("a legacy file converts to GGUF without changing the quantizer's weights")
    func legacyToGGUF() throws {
        let directory = try TemporaryDirectory()
        var dat = LegacyBytes()
        dat.i32(1)
        dat.entry("blk.0.attn_k.weight", calls: 3, values: [0.3, 1.7, 2.2, 9.1])
        dat.trailer(chunks: 3, dataset: "calibration.txt")
        let legacy = try ImportanceMatrix(contentsOf: try directory.write("old.dat", bytes: dat.bytes))
        try legacy.write(to: directory.file("new.gguf"))
        let converted = try ImportanceMatrix(contentsOf: directory.file("new.gguf"))
        #expect(converted == legacy)
        #expect(try converted.importance(for: "blk.0.attn_k.weight", columns: 4)
            == legacy.importance(for: "blk.0.attn_k.weight", columns: 4))
    }

    enum Unwritable: String, CaseIterable {
        case noEntries, emptyName, negativeChunkCount, chunkSizeOverInt32

        func matrix() throws -> ImportanceMatrix {
            let entry = try ImportanceMatrix.Entry(columns: 1, sums: [1], counts: [1])
            switch self {
            case .noEntries: return ImportanceMatrix()
            case .emptyName: return ImportanceMatrix(entries: ["": entry])
            case .negativeChunkCount: return ImportanceMatrix(chunkCount: -1, entries: ["a": entry])
            case .chunkSizeOverInt32: return ImportanceMatrix(chunkSize: 1 << 31, entries: ["a": entry])
            }
        }
    }

    @Test("matrices that cannot be written are refused, leaving no file", arguments: Unwritable.allCases)
    func unwritable(_ problem: Unwritable) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.gguf")
        let matrix = try problem.matrix()
        let error = #expect(throws: ImportanceMatrixError.self) { try matrix.write(to: path) }
        guard case .cannotWrite(path, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(directory.entries.isEmpty)
    }

    @Test("a name too long for a GGUF tensor is a container error naming it")
    func nameTooLong() throws {
        let directory = try TemporaryDirectory()
        let name = "blk.0." + String(repeating: "x", count: 60) + ".weight"
        let matrix = ImportanceMatrix(entries: [name: try .init(columns: 1, sums: [1], counts: [1])])
        let path = directory.file("out.gguf")
        do {
            try matrix.write(to: path)
            Issue.record("the matrix was written")
        } catch {
            guard case .container = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.contains(name))
        }
        #expect(directory.entries.isEmpty)
    }

    @Test("entries are validated when built",
          arguments: [
              (0, [Float](), [Float(1)]),
              (2, [1, 2], []),
              (2, [1, 2, 3], [1]),
              (2, [1, 2, 3, 4], [1]),
              (1, [-1], [1]),
              (1, [.nan], [1]),
              (1, [.infinity], [1]),
              (1, [1], [-1]),
              (1, [1], [.nan]),
              (1, [1], [0x1p63]),
          ] as [(Int, [Float], [Float])])
    func invalidEntries(columns: Int, sums: [Float], counts: [Float]) {
        let error = #expect(throws: ImportanceMatrixError.self) {
            _ = try ImportanceMatrix.Entry(columns: columns, sums: sums, counts: counts)
        }
        guard case .invalidEntry = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }
}
