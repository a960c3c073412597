import Foundation
import SafeTensors
import Testing
import TestSupport

private let pythonHasSafetensors = Python.canImport("numpy", "safetensors.numpy")

/// Python helpers: a manifest maps each tensor to its dtype name, shape and hex bytes.
private let pythonPrelude = """
import json, sys, numpy as np
NAMES = {"float64": "F64", "float32": "F32", "float16": "F16", "int64": "I64", "int32": "I32", "int16": "I16",
         "int8": "I8", "uint64": "U64", "uint32": "U32", "uint16": "U16", "uint8": "U8", "bool": "BOOL"}
def manifest(tensors):
    return {k: {"dtype": NAMES[str(v.dtype)], "shape": list(v.shape), "hex": v.astype(v.dtype.newbyteorder("<")).tobytes().hex()}
            for k, v in tensors.items()}
"""

@Suite("Interoperability with the Python safetensors package",
       .enabled(if: pythonHasSafetensors, "python3 with numpy and safetensors is not importable"))
struct PythonInteropTests {
    private typealias Manifest = [String: (dtype: String, shape: [Int], bytes: [UInt8])]

    private func readManifest(_ path: String) throws -> Manifest {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let entries = try #require(object as? [String: [String: Any]])
        var manifest: Manifest = [:]
        for (name, entry) in entries {
            let hex = Array(try #require(entry["hex"] as? String).utf8)
            let bytes = stride(from: 0, to: hex.count, by: 2).map {
                UInt8(String(decoding: hex[$0 ..< $0 + 2], as: UTF8.self), radix: 16) ?? 0
            }
            manifest[name] = (try #require(entry["dtype"] as? String), try #require(entry["shape"] as? [Int]), bytes)
        }
        return manifest
    }

    @Test("files written by Python read back with identical dtypes, shapes and bytes")
    func readPythonFile() throws {
        let folder = try TemporaryDirectory()
        let script = pythonPrelude + "\n" + """
        from safetensors.numpy import save_file
        out = sys.argv[1]
        rng = np.random.default_rng(7)
        tensors = {
            "f64": rng.standard_normal((3, 4)), "f32": rng.standard_normal(5).astype(np.float32),
            "f16": rng.standard_normal((2, 3, 2)).astype(np.float16), "i64": np.arange(-3, 3).reshape(2, 3),
            "i32": np.arange(7, dtype=np.int32), "i16": np.array([-2, 5], dtype=np.int16),
            "i8": np.array([-128, 127, 0], dtype=np.int8), "u8": np.arange(10, dtype=np.uint8),
            "u16": np.array([65535, 1], dtype=np.uint16), "u32": np.array([4000000000], dtype=np.uint32),
            "u64": np.array([2**64 - 1], dtype=np.uint64), "bool": np.array([True, False, True]),
            "scalar": np.array(3.5, dtype=np.float32), "empty": np.zeros((0, 4), dtype=np.float32),
        }
        save_file(tensors, out + "/py.safetensors", metadata={"format": "np", "who": "python"})
        json.dump(manifest(tensors), open(out + "/manifest.json", "w"))
        """
        let result = try Python.run(script: script, arguments: [folder.path])
        try #require(result.status == 0, "python failed: \(result.stderr)")

        let file = try SafeTensorsFile(path: folder.file("py.safetensors"))
        let manifest = try readManifest(folder.file("manifest.json"))
        #expect(file.metadata == ["format": "np", "who": "python"])
        #expect(Set(file.tensors.map(\.name)) == Set(manifest.keys))
        for (name, expected) in manifest {
            let info = try #require(file.info(named: name))
            #expect(info.dtype.rawValue == expected.dtype, "\(name)")
            #expect(info.shape == expected.shape, "\(name)")
            #expect([UInt8](file.data(for: info)) == expected.bytes, "\(name)")
        }
    }

    @Test("files written here load in Python with identical dtypes, shapes and bytes")
    func writeForPython() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        var expected: Manifest = [:]
        let numpyTypes = SafeTensorsDType.allCases.filter { ![.bf16, .f8e4m3, .f8e5m2].contains($0) }
        for (index, dtype) in numpyTypes.enumerated() {
            let shape = index % 3 == 0 ? [] : [index % 4, 3]
            let count = shape.reduce(1, *) * dtype.byteSize
            // BOOL bytes must be 0 or 1 for numpy to round-trip them unchanged.
            let bytes = dtype == .bool ? (0 ..< count).map { UInt8($0 % 2) } : patternBytes(count, seed: UInt8(index))
            let name = "t.\(dtype.rawValue)"
            writer.add(name: name, dtype: dtype, shape: shape, data: bytes)
            expected[name] = (dtype.rawValue, shape, bytes)
        }
        try writer.write(to: folder.file("swift.safetensors"), metadata: ["format": "pt", "from": "swift"])

        let script = pythonPrelude + "\n" + """
        from safetensors import safe_open
        out = sys.argv[1]
        with safe_open(out + "/swift.safetensors", framework="np") as f:
            assert f.metadata() == {"format": "pt", "from": "swift"}, f.metadata()
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        json.dump(manifest(tensors), open(out + "/manifest.json", "w"))
        """
        let result = try Python.run(script: script, arguments: [folder.path])
        try #require(result.status == 0, "python failed: \(result.stderr)")
        let manifest = try readManifest(folder.file("manifest.json"))
        #expect(Set(manifest.keys) == Set(expected.keys))
        for (name, entry) in expected {
            let loaded = try #require(manifest[name], "\(name)")
            #expect(loaded.dtype == entry.dtype && loaded.shape == entry.shape && loaded.bytes == entry.bytes, "\(name)")
        }
    }
}
