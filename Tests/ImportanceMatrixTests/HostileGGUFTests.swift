import Foundation
import GGUF
import ImportanceMatrix
import Testing
import TestSupport

@Suite("Hostile GGUF importance matrices")
struct HostileGGUFTests {
    static let good = entryTensors("blk.0.attn_q.weight", columns: 4, sums: [1, 2, 3, 4], counts: [2])

    /// Writes `tensors` with `metadata` and returns the path and the error reading it gives.
    static func reject(metadata: GGUFMetadata = imatrixMetadata(), tensors: [GGUFTensorSpec],
                       in directory: TemporaryDirectory) throws -> (String, ImportanceMatrixError?) {
        let path = try writeGGUF(directory.file("imatrix.gguf"), metadata: metadata, tensors: tensors)
        return (path, readError(path))
    }

    @Test("a model file is not an importance matrix")
    func otherType() throws {
        let directory = try TemporaryDirectory()
        var metadata = imatrixMetadata()
        metadata[GGUFKey.type] = .string("model")
        let (path, error) = try Self.reject(metadata: metadata, tensors: Self.good, in: directory)
        #expect(error == .notAnImportanceMatrix(path: path, generalType: "\"model\""))
    }

    @Test("each required key must be present", arguments: ["imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"])
    func missingKey(key: String) throws {
        let directory = try TemporaryDirectory()
        var metadata = imatrixMetadata()
        metadata[key] = nil
        let (path, error) = try Self.reject(metadata: metadata, tensors: Self.good, in: directory)
        #expect(error == .missingMetadata(path: path, key: key))
        #expect(error?.description.contains(key) == true)
    }

    @Test("keys must have llama.cpp's types and ranges",
          arguments: [
              ("imatrix.datasets", GGUFValue.string("train.txt")),
              ("imatrix.datasets", .int32s([1, 2])),
              ("imatrix.chunk_count", .int32(4)),
              ("imatrix.chunk_count", .uint64(4)),
              ("imatrix.chunk_size", .uint32(UInt32(Int32.max) + 1)),
          ])
    func mistypedKey(key: String, value: GGUFValue) throws {
        let directory = try TemporaryDirectory()
        var metadata = imatrixMetadata()
        metadata[key] = value
        let (path, error) = try Self.reject(metadata: metadata, tensors: Self.good, in: directory)
        guard case .invalidMetadata(path, key, _, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test("sums without counts, and counts without sums")
    func missingPartner() throws {
        let directory = try TemporaryDirectory()
        let (path, noCounts) = try Self.reject(tensors: [Self.good[0]], in: directory)
        #expect(noCounts == .missingPartner(path: path, tensor: "blk.0.attn_q.weight.in_sum2",
                                            missing: "blk.0.attn_q.weight.counts"))
        let (_, noSums) = try Self.reject(tensors: [Self.good[1]], in: directory)
        #expect(noSums == .missingPartner(path: path, tensor: "blk.0.attn_q.weight.counts",
                                          missing: "blk.0.attn_q.weight.in_sum2"))
    }

    @Test("sums and counts must be F32", arguments: [0, 1])
    func nonF32(which: Int) throws {
        let directory = try TemporaryDirectory()
        var tensors = Self.good
        tensors[which].type = .f16
        let (path, error) = try Self.reject(tensors: tensors, in: directory)
        #expect(error == .wrongTensorType(path: path, tensor: tensors[which].name, type: "f16"))
    }

    @Test("sums must be [columns, n] for counts [1, n]",
          arguments: [
              ([4, 2], [1]), // two matrices of sums, one count
              ([4], [1, 2]), // one matrix of sums, two counts
              ([8], [2]), // counts laid out along the wrong axis
              ([4, 1, 2], [1, 1, 2]), // a third axis ggml never writes
          ] as [([Int], [Int])])
    func shapes(sums: [Int], counts: [Int]) throws {
        let directory = try TemporaryDirectory()
        let tensors = [
            GGUFTensorSpec(name: "x.in_sum2", dimensions: sums, floats: [Float](repeating: 1, count: sums.reduce(1, *))),
            GGUFTensorSpec(name: "x.counts", dimensions: counts, floats: [Float](repeating: 1, count: counts.reduce(1, *))),
        ]
        let (path, error) = try Self.reject(tensors: tensors, in: directory)
        #expect(error == .shapeMismatch(path: path, entry: "x", sums: sums, counts: counts))
    }

    @Test("sums must be finite and non-negative; the error gives the value's file offset",
          arguments: [Float.nan, .infinity, -.infinity, -0.5])
    func badSums(value: Float) throws {
        let directory = try TemporaryDirectory()
        let tensors = entryTensors("blk.3.ffn_down.weight", columns: 4, sums: [1, 2, value, 4], counts: [2])
        let (path, error) = try Self.reject(tensors: tensors, in: directory)
        let file = try GGUFFile(path: path)
        let info = try #require(file.tensor(named: "blk.3.ffn_down.weight.in_sum2"))
        guard case let .invalidValue(errorPath, tensor, offset, index, found) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(errorPath == path && tensor == info.name && index == 2)
        #expect(offset == file.dataOffset + info.offset + 8)
        #expect(found.bitPattern == value.bitPattern)
        #expect(error?.description.contains("blk.3.ffn_down.weight.in_sum2") == true)
    }

    @Test("counts must be finite, non-negative and below 2^63",
          arguments: [Float.nan, .infinity, -1, 0x1p63, 1e30])
    func badCounts(value: Float) throws {
        let directory = try TemporaryDirectory()
        let tensors = entryTensors("blk.0.ffn_gate_exps.weight", columns: 2, sums: [1, 2, 3, 4], counts: [5, value])
        let (path, error) = try Self.reject(tensors: tensors, in: directory)
        guard case let .invalidCount(errorPath, tensor, _, index, _) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(errorPath == path && tensor == "blk.0.ffn_gate_exps.weight.counts" && index == 1)
    }

    @Test("a file with no entries is refused, as llama.cpp refuses it")
    func noEntries() throws {
        let directory = try TemporaryDirectory()
        let unrelated = GGUFTensorSpec(name: "token_embd.weight", dimensions: [2, 2], floats: [1, 2, 3, 4])
        let (path, error) = try Self.reject(tensors: [unrelated], in: directory)
        #expect(error == .noEntries(path: path))
        let (_, empty) = try Self.reject(tensors: [], in: directory)
        #expect(empty == .noEntries(path: path))
    }

    @Test("a truncated file is a container error naming the file")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        let path = try writeGGUF(directory.file("full.gguf"), tensors: Self.good)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let file = try GGUFFile(path: path)
        let last = try #require(file.tensors.last)
        // Cuts in the header, in the metadata, and inside the last tensor's data (the
        // alignment padding after it may go missing harmlessly).
        for length in [5, 30, file.dataOffset + last.offset + last.byteCount - 1] {
            let cut = try directory.write("cut.gguf", bytes: Array(bytes.prefix(length)))
            let error = readError(cut)
            guard case .container = error else {
                Issue.record("\(length) bytes: unexpected \(String(describing: error))")
                continue
            }
            #expect(error?.description.contains(cut) == true)
        }
    }

    @Test("a missing file or a folder is a file-system error")
    func notAFile() throws {
        let directory = try TemporaryDirectory()
        for path in [directory.file("absent.gguf"), directory.path] {
            guard case .fileSystem(path, _) = readError(path) else {
                Issue.record("\(path): unexpected \(String(describing: readError(path)))")
                continue
            }
        }
    }

    @Test("accepted variants: no general.type, explicit trailing 1s, unrelated tensors")
    func tolerated() throws {
        let directory = try TemporaryDirectory()
        var metadata = imatrixMetadata()
        metadata[GGUFKey.type] = nil
        let tensors = [
            GGUFTensorSpec(name: "a.in_sum2", dimensions: [3, 1], floats: [3, 6, 9]),
            GGUFTensorSpec(name: "a.counts", dimensions: [1, 1], floats: [3]),
            GGUFTensorSpec(name: "rope_freqs.weight", dimensions: [2], floats: [1, 1]),
        ]
        let path = try writeGGUF(directory.file("imatrix.gguf"), metadata: metadata, tensors: tensors)
        let matrix = try ImportanceMatrix(contentsOf: path)
        #expect(matrix.names == ["a"])
        #expect(try matrix.importance(for: "a", columns: 3) == [1, 2, 3])
    }
}
