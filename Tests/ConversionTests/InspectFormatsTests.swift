import Foundation
import SafeTensors
import Testing
import TestSupport

/// `inspect --json` on the inputs other than GGUF files and model folders: a single
/// `.safetensors` file and a legacy `.dat` importance matrix.
@Suite("ggufkit inspect --json on safetensors and legacy importance matrices", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct InspectFormatsTests {
    static func json(_ result: ProcessOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any], "\(result.stdout)")
    }

    @Test("a .safetensors file: its metadata and every tensor's name, shape, dtype, bytes and absolute offset")
    func safetensorsFile() throws {
        let scratch = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        let tensors: [(String, SafeTensorsDType, [Int])] = [("b.weight", .f32, [3, 5]), ("a.bias", .bf16, [7]), ("c", .f16, [2, 2, 2])]
        for (name, dtype, shape) in tensors {
            let count = shape.reduce(1, *) * (dtype == .f32 ? 4 : 2)
            writer.add(name: name, dtype: dtype, shape: shape, data: (0 ..< count).map { UInt8(truncatingIfNeeded: $0) })
        }
        let path = scratch.file("w.safetensors")
        try writer.write(to: path, metadata: ["format": "pt", "note": "tiny"])

        let result = try CLI.run(["inspect", "--json", path])
        try #require(result.status == 0, "\(result.stderr)")
        let object = try Self.json(result)
        #expect(object["kind"] as? String == "safetensors")
        #expect(object["tensor_count"] as? Int == tensors.count)
        #expect(object["metadata"] as? [String: String] == ["format": "pt", "note": "tiny"])

        // The offsets are checked against the file's own header, read here without the library:
        // 8-byte header length, the JSON header, then data at the header's relative offsets.
        let bytes = try readBytes(path)
        let headerLength = bytes[0 ..< 8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + headerLength])) as? [String: Any])
        let rows = try #require(object["tensors"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["name"] as? String }) == Set(tensors.map(\.0)))
        var total = 0
        for (name, dtype, shape) in tensors {
            let row = try #require(rows.first { $0["name"] as? String == name }, "\(name)")
            let entry = try #require(header[name] as? [String: Any])
            let range = try #require(entry["data_offsets"] as? [Int])
            #expect(row["shape"] as? [Int] == shape, "\(name)")
            #expect(row["type"] as? String == dtype.rawValue, "\(name)")
            #expect(row["bytes"] as? Int == range[1] - range[0], "\(name)")
            #expect(row["offset"] as? Int == 8 + headerLength + range[0], "\(name)")
            total += range[1] - range[0]
        }
        #expect(object["total_bytes"] as? Int == total)
    }

    /// llama-imatrix's legacy layout, little-endian: entry count; per entry the name's length
    /// and bytes, the call count, the value count and the values; then the chunk count and the
    /// dataset name's length and bytes.
    static func legacyMatrix(_ entries: [(name: String, calls: Int32, values: [Float])], chunks: Int32,
                             dataset: String) -> [UInt8] {
        var bytes: [UInt8] = []
        func int32(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func string(_ text: String) {
            int32(Int32(text.utf8.count))
            bytes += Array(text.utf8)
        }
        int32(Int32(entries.count))
        for entry in entries {
            string(entry.name)
            int32(entry.calls)
            int32(Int32(entry.values.count))
            for value in entry.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        int32(chunks)
        string(dataset)
        return bytes
    }

    @Test("a legacy .dat importance matrix: datasets, chunk count and each entry's columns, count, mean and top columns")
    func legacyImportanceMatrix() throws {
        let scratch = try TemporaryDirectory()
        // Legacy values are averages times the call count, so dividing by the calls gives the means back.
        let path = try scratch.write("m.dat", bytes: Self.legacyMatrix([
            ("blk.0.ffn_up.weight", 4, [4, 8, 0, 2]),
            ("blk.0.attn_q.weight", 2, [1, 3]),
        ], chunks: 7, dataset: "calib.txt"))

        let result = try CLI.run(["inspect", "--json", path])
        try #require(result.status == 0, "\(result.stderr)")
        let object = try Self.json(result)
        #expect(object["kind"] as? String == "imatrix")
        #expect(object["format"] as? String == "legacy dat")
        #expect(object["path"] as? String == path)
        #expect(object["datasets"] as? [String] == ["calib.txt"])
        #expect(object["chunk_count"] as? Int == 7)
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.compactMap { $0["name"] as? String } == ["blk.0.attn_q.weight", "blk.0.ffn_up.weight"])
        let expected: [(columns: Int, count: Double, mean: Double, top: [Int], topMeans: [Double])] = [
            (2, 2, 1, [1, 0], [1.5, 0.5]),
            (4, 4, 0.875, [1, 0, 3, 2], [2, 1, 0.5, 0]),
        ]
        for (entry, want) in zip(entries, expected) {
            #expect(entry["columns"] as? Int == want.columns)
            #expect(entry["matrices"] as? Int == 1)
            #expect(entry["count"] as? Double == want.count)
            #expect(entry["mean"] as? Double == want.mean)
            let top = try #require(entry["top_columns"] as? [[String: Any]])
            #expect(top.compactMap { $0["index"] as? Int } == want.top)
            #expect(top.compactMap { $0["mean"] as? Double } == want.topMeans)
        }

        // Text output says the same in words.
        let text = try CLI.run(["inspect", path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("legacy dat") && text.stdout.contains("datasets: calib.txt") && text.stdout.contains("chunks: 7"),
                "\(text.stdout)")
    }
}
