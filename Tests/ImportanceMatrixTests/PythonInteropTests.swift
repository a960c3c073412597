import Foundation
import ImportanceMatrix
import Testing
import TestSupport

/// Files llama.cpp's own Python package (gguf-py) writes must read correctly here, and
/// files written here must read correctly there.
@Suite("gguf-py interoperability")
struct PythonInteropTests {
    /// Writes an importance matrix with gguf-py's GGUFWriter, shaped as NumPy arrays are:
    /// a 1-D dense entry and a two-expert entry of shape (2, 4) with counts (2, 1).
    static let writeScript = """
    import sys, numpy as np, gguf
    w = gguf.GGUFWriter(sys.argv[1], arch="llama")
    w.add_type(gguf.GGUFType.IMATRIX)
    w.add_array(gguf.Keys.IMatrix.DATASETS, ["calib.txt", "extra.txt"])
    w.add_uint32(gguf.Keys.IMatrix.CHUNK_COUNT, 5)
    w.add_uint32(gguf.Keys.IMatrix.CHUNK_SIZE, 64)
    w.add_tensor("blk.0.attn_q.weight.in_sum2", np.arange(6, dtype=np.float32) * np.float32(0.25))
    w.add_tensor("blk.0.attn_q.weight.counts", np.array([320], dtype=np.float32))
    w.add_tensor("blk.0.ffn_up_exps.weight.in_sum2", np.arange(8, dtype=np.float32).reshape(2, 4) + np.float32(0.5))
    w.add_tensor("blk.0.ffn_up_exps.weight.counts", np.array([[40], [0]], dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    """

    /// Lists what gguf-py's GGUFReader sees in a file, as JSON.
    static let readScript = """
    import sys, json, gguf
    r = gguf.GGUFReader(sys.argv[1])
    fields = {name: f.contents() for name, f in r.fields.items() if not name.startswith("GGUF.")}
    tensors = [{"name": t.name, "dims": [int(d) for d in t.shape], "type": t.tensor_type.name,
                "values": [float(v) for v in t.data.flatten()]} for t in r.tensors]
    print(json.dumps({"fields": fields, "tensors": tensors}))
    """

    @Test("a file written by gguf-py reads back with the values it holds",
          .enabled(ifAvailable: Python.withGGUF != nil, "python3 with the gguf and numpy packages is not installed"))
    func readsGGUFPyFile() throws {
        let python = try #require(Python.withGGUF, "python3 with gguf is required (GGUFKIT_REQUIRE_REFERENCES=1)")
        let directory = try TemporaryDirectory()
        let path = directory.file("from-python.gguf")
        let output = try Python.run(python, script: Self.writeScript, arguments: [path])
        try #require(output.status == 0, "gguf-py failed: \(output.stderr)")

        let matrix = try ImportanceMatrix(contentsOf: path)
        #expect(matrix.datasets == ["calib.txt", "extra.txt"])
        #expect(matrix.chunkCount == 5 && matrix.chunkSize == 64)
        #expect(matrix.names == ["blk.0.attn_q.weight", "blk.0.ffn_up_exps.weight"])
        let dense = try #require(matrix.entries["blk.0.attn_q.weight"])
        #expect(dense.columns == 6 && dense.counts == [320])
        #expect(dense.sums == [0, 0.25, 0.5, 0.75, 1, 1.25])
        let experts = try #require(matrix.entries["blk.0.ffn_up_exps.weight"])
        #expect(experts.columns == 4 && experts.counts == [40, 0])
        #expect(experts.sums == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5])
        #expect(try matrix.importance(for: "blk.0.ffn_up_exps.weight", columns: 4, matrixCount: 2)
            == [0.5 / 40, 1.5 / 40, 2.5 / 40, 3.5 / 40, 1, 1, 1, 1])
    }

    @Test("gguf-py reads a file written here: keys, names, shapes and values",
          .enabled(ifAvailable: Python.withGGUF != nil, "python3 with the gguf and numpy packages is not installed"))
    func ggufPyReadsOurFile() throws {
        let python = try #require(Python.withGGUF, "python3 with gguf is required (GGUFKIT_REQUIRE_REFERENCES=1)")
        let directory = try TemporaryDirectory()
        let matrix = try sampleMatrix()
        let path = directory.file("ours.gguf")
        try matrix.write(to: path)
        let output = try Python.run(python, script: Self.readScript, arguments: [path])
        try #require(output.status == 0, "gguf-py failed: \(output.stderr)")
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])

        let fields = try #require(dump["fields"] as? [String: Any])
        #expect(fields["general.type"] as? String == "imatrix")
        #expect(fields["imatrix.datasets"] as? [String] == matrix.datasets)
        #expect(fields["imatrix.chunk_count"] as? Int == 7)
        #expect(fields["imatrix.chunk_size"] as? Int == 512)

        let tensors = try #require(dump["tensors"] as? [[String: Any]])
        let expected = matrix.names.flatMap { name -> [(String, [Float])] in
            let entry = matrix.entries[name]!
            return [(name + ".in_sum2", entry.sums), (name + ".counts", entry.counts)]
        }
        #expect(tensors.compactMap { $0["name"] as? String } == expected.map(\.0))
        for (tensor, (name, values)) in zip(tensors, expected) {
            #expect(tensor["type"] as? String == "F32", "\(name)")
            let read = (tensor["values"] as? [Double] ?? []).map { Float($0) }
            #expect(read == values, "\(name)")
        }
        #expect(tensors[2]["dims"] as? [Int] == [4, 3], "expert sums keep ggml's [columns, matrices]")
        #expect(tensors[3]["dims"] as? [Int] == [1, 3])
    }
}
