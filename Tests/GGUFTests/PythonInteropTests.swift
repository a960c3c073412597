import Foundation
import Testing
import TestSupport
@testable import GGUF

/// Files this package writes must read correctly with gguf-py and llama.cpp, and files
/// gguf-py writes must read correctly here.
@Suite("Interoperability")
struct PythonInteropTests {
    /// Dumps a file with gguf-py's GGUFReader as JSON. Numbers travel as strings so that
    /// 64-bit integers and float bit patterns survive JSON.
    static let dumpScript = """
    import sys, json, gguf
    from gguf import GGUFValueType as T
    r = gguf.GGUFReader(sys.argv[1])
    def enc(t, v):
        if t in (T.FLOAT32, T.FLOAT64): return repr(float(v))
        if t == T.BOOL: return 'true' if v else 'false'
        if t == T.STRING: return v
        return str(int(v))
    fields = []
    for name, f in r.fields.items():
        if name.startswith('GGUF.'): continue
        if f.types[0] == T.ARRAY:
            sub = T(int(f.parts[3][0]))
            fields.append({'key': name, 'type': 'array', 'sub': sub.name.lower(), 'values': [enc(sub, v) for v in f.contents()]})
        else:
            fields.append({'key': name, 'type': f.types[0].name.lower(), 'value': enc(f.types[0], f.contents())})
    tensors = [{'name': t.name, 'dims': [int(d) for d in t.shape], 'type': int(t.tensor_type),
                'n_bytes': int(t.n_bytes), 'offset': int(t.data_offset), 'hex': t.data.tobytes().hex()} for t in r.tensors]
    print(json.dumps({'alignment': int(r.alignment), 'data_offset': int(r.data_offset), 'fields': fields, 'tensors': tensors}))
    """

    /// Renders a scalar the way `dumpScript` does.
    static func render(_ value: GGUFValue) -> String {
        switch value {
        case let .float32(v): return String(Double(v))
        case let .float64(v): return String(v)
        case let .bool(v): return v ? "true" : "false"
        case let .string(v): return v
        default: return value.intValue.map(String.init) ?? { if case let .uint64(v) = value { return String(v) }; return "?" }()
        }
    }

    /// Python's `repr(float)` and Swift's `String(Double)` may spell the same double
    /// differently, so when the text differs the two are compared as parsed numbers.
    static func same(_ rendered: String, _ python: String) -> Bool {
        if rendered == python { return true }
        guard let a = Double(rendered), let b = Double(python) else { return false }
        return a == b
    }

    @Test("gguf-py reads what the writer produces: metadata, shapes, types, offsets and bytes",
          .enabled(ifAvailable: Python.withGGUF != nil, "python3 with the gguf package is not installed"),
          arguments: [32, 64])
    func ggufPyReadsOurFiles(alignment: Int) throws {
        let python = try #require(Python.withGGUF)
        let directory = try TemporaryDirectory()
        // gguf-py flattens nested arrays, so they are left out of this comparison.
        var metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama"))]
            + everyValueKind.filter { !$0.0.contains("nested") && $0.0 != "test.empty.array" })
        metadata[GGUFKey.alignment] = .uint32(UInt32(alignment))
        let tensors = TensorRoundTripTests.mixedTensors
        let path = try writeGGUF(directory.file("ours.gguf"), metadata: metadata, tensors: tensors)
        let ours = try GGUFFile(path: path)

        let dump = try Python.json(python, script: Self.dumpScript, arguments: [path])
        #expect(dump["alignment"] as? Int == alignment)
        #expect(dump["data_offset"] as? Int == ours.dataOffset)

        let fields = try #require(dump["fields"] as? [[String: Any]])
        #expect(fields.compactMap { $0["key"] as? String } == metadata.keys)
        for (field, (key, value)) in zip(fields, metadata) {
            if case let .array(elementType, elements) = value {
                #expect(field["type"] as? String == "array", "\(key)")
                #expect(field["sub"] as? String == elementType.name, "\(key)")
                let values = field["values"] as? [String] ?? []
                #expect(values.count == elements.count, "\(key)")
                for (python, element) in zip(values, elements) {
                    #expect(Self.same(Self.render(element), python), "\(key): \(python)")
                }
            } else {
                #expect(field["type"] as? String == value.type.name, "\(key)")
                #expect(Self.same(Self.render(value), field["value"] as? String ?? "<none>"), "\(key)")
            }
        }

        let pyTensors = try #require(dump["tensors"] as? [[String: Any]])
        #expect(pyTensors.count == tensors.count)
        for (py, (info, tensor)) in zip(pyTensors, zip(ours.tensors, tensors)) {
            #expect(py["name"] as? String == info.name)
            #expect(py["dims"] as? [Int] == info.dimensions)
            #expect(py["type"] as? Int == Int(info.type.rawValue))
            #expect(py["n_bytes"] as? Int == info.byteCount)
            #expect(py["offset"] as? Int == ours.dataOffset + info.offset)
            #expect(py["hex"] as? String == tensor.bytes.map { String(format: "%02x", $0) }.joined())
        }
    }

    /// Writes a file with gguf-py's GGUFWriter and prints the tensor bytes it wrote.
    static let writeScript = """
    import sys, json, numpy as np, gguf
    w = gguf.GGUFWriter(sys.argv[1], 'llama')
    w.add_uint32('test.u32', 4000000000)
    w.add_int64('test.i64', -5)
    w.add_float32('test.f32', 0.25)
    w.add_float64('test.f64', -1.5)
    w.add_bool('test.bool', True)
    w.add_string('test.str', 'héllo')
    w.add_array('test.strs', ['a', 'bb', ''])
    w.add_array('test.ints', [1, -2, 3])
    w.add_array('test.floats', [0.5, 1.5])
    w.add_tensor('f32', np.arange(12, dtype=np.float32).reshape(3, 4))
    w.add_tensor('f16', np.arange(64, dtype=np.float16).reshape(2, 32))
    q = gguf.quantize(np.linspace(-1, 1, 64, dtype=np.float32).reshape(2, 32), gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor('q8', q, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    print(json.dumps({'q8': q.tobytes().hex()}))
    """

    @Test("the reader reads files gguf-py writes",
          .enabled(ifAvailable: Python.withGGUF != nil, "python3 with the gguf package is not installed"))
    func weReadGGUFPyFiles() throws {
        let python = try #require(Python.withGGUF)
        let directory = try TemporaryDirectory()
        let path = directory.file("theirs.gguf")
        let printed = try Python.json(python, script: Self.writeScript, arguments: [path])
        let file = try GGUFFile(path: path)

        #expect(file.metadata[GGUFKey.architecture] == .string("llama"))
        #expect(file.metadata["test.u32"] == .uint32(4_000_000_000))
        #expect(file.metadata["test.i64"] == .int64(-5))
        #expect(file.metadata["test.f32"] == .float32(0.25))
        #expect(file.metadata["test.f64"] == .float64(-1.5))
        #expect(file.metadata["test.bool"] == .bool(true))
        #expect(file.metadata["test.str"] == .string("héllo"))
        #expect(file.metadata["test.strs"] == .strings(["a", "bb", ""]))
        #expect(file.metadata["test.ints"] == .int32s([1, -2, 3]))
        #expect(file.metadata["test.floats"] == .float32s([0.5, 1.5]))

        #expect(file.tensors.map(\.name) == ["f32", "f16", "q8"])
        #expect(file.tensors.map(\.dimensions) == [[4, 3], [32, 2], [32, 2]])
        #expect(file.tensors.map(\.type) == [.f32, .f16, .q8_0])
        let f32 = try #require(file.data(named: "f32"))
        #expect(Array(f32.bindMemory(to: Float.self)) == (0 ..< 12).map(Float.init))
        let f16 = try #require(file.data(named: "f16"))
        #expect(Array(f16.bindMemory(to: Float16.self)) == (0 ..< 64).map { Float16(Float($0)) })
        let q8 = try #require(file.data(named: "q8"))
        #expect(q8.map { String(format: "%02x", $0) }.joined() == printed["q8"] as? String)

        let rewritten = try rewrite(file, to: directory.file("rewritten.gguf"))
        #expect(try readBytes(rewritten) == readBytes(path), "same layout as gguf-py, byte for byte")
    }

    @Test("a real llama.cpp-written model is read and rewritten byte for byte", .enabled(
        if: referenceModel != nil,
        "no llama.cpp-written reference GGUF found (set GGUFKIT_REFERENCE_GGUF to one)"))
    func realModelRewrite() throws {
        let path = try #require(referenceModel)
        let directory = try TemporaryDirectory()
        let file = try GGUFFile(path: path)
        #expect(file.metadata[GGUFKey.architecture] != nil)
        #expect(file.metadata[GGUFKey.tokenizerTokens]?.arrayValue?.isEmpty == false)
        let rewritten = try rewrite(file, to: directory.file("model.gguf"))
        #expect(try readBytes(rewritten) == readBytes(path))
    }

    /// Opens a file with llama.cpp's own GGUF parser through ctypes and reports what it saw.
    static let llamaCppScript = """
    import sys, json, ctypes
    lib = ctypes.CDLL(sys.argv[1])
    class Params(ctypes.Structure):
        _fields_ = [('no_alloc', ctypes.c_bool), ('ctx', ctypes.c_void_p)]
    lib.gguf_init_from_file.restype = ctypes.c_void_p
    lib.gguf_init_from_file.argtypes = [ctypes.c_char_p, Params]
    for name, res in [('gguf_get_n_tensors', ctypes.c_int64), ('gguf_get_n_kv', ctypes.c_int64),
                      ('gguf_get_data_offset', ctypes.c_size_t), ('gguf_get_alignment', ctypes.c_size_t)]:
        getattr(lib, name).restype = res
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    lib.gguf_get_tensor_name.restype = ctypes.c_char_p
    lib.gguf_get_tensor_name.argtypes = [ctypes.c_void_p, ctypes.c_int64]
    lib.gguf_get_tensor_offset.restype = ctypes.c_size_t
    lib.gguf_get_tensor_offset.argtypes = [ctypes.c_void_p, ctypes.c_int64]
    lib.gguf_free.argtypes = [ctypes.c_void_p]
    ctx = lib.gguf_init_from_file(sys.argv[2].encode(), Params(True, None))
    if not ctx:
        print(json.dumps({'loaded': False})); sys.exit(0)
    n = lib.gguf_get_n_tensors(ctx)
    out = {'loaded': True, 'n_kv': lib.gguf_get_n_kv(ctx), 'alignment': lib.gguf_get_alignment(ctx),
           'data_offset': lib.gguf_get_data_offset(ctx),
           'tensors': [[lib.gguf_get_tensor_name(ctx, i).decode(), lib.gguf_get_tensor_offset(ctx, i)] for i in range(n)]}
    lib.gguf_free(ctx)
    print(json.dumps(out))
    """

    @Test("llama.cpp's GGUF parser accepts the writer's files", .enabled(
        if: LlamaCppLibrary.available,
        "llama.cpp's libggml-base.so not found (set GGUFKIT_GGML_LIB or build the reference tools)"))
    func llamaCppAcceptsOurFiles() throws {
        let python = try #require(Python.plain), library = try #require(LlamaCppLibrary.path)
        let directory = try TemporaryDirectory()
        // llama.cpp rejects nested arrays, so they are left out.
        var metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama"))]
            + everyValueKind.filter { !$0.0.contains("nested") && $0.0 != "test.empty.array" })
        metadata[GGUFKey.alignment] = .uint32(64)
        let path = try writeGGUF(directory.file("ours.gguf"), metadata: metadata,
                                 tensors: TensorRoundTripTests.mixedTensors)
        let ours = try GGUFFile(path: path)

        let seen = try Python.json(python, script: Self.llamaCppScript, arguments: [library, path])
        #expect(seen["loaded"] as? Bool == true)
        #expect(seen["n_kv"] as? Int == metadata.count)
        #expect(seen["alignment"] as? Int == 64)
        #expect(seen["data_offset"] as? Int == ours.dataOffset)
        let tensors = seen["tensors"] as? [[Any]] ?? []
        #expect(tensors.compactMap { $0.first as? String } == ours.tensors.map(\.name))
        #expect(tensors.compactMap { $0.last as? Int } == ours.tensors.map(\.offset))
    }
}

/// A GGUF written by llama.cpp: `GGUFKIT_REFERENCE_GGUF`, or the SmolLM2 Q4_1 file some machines cache.
let referenceModel: String? = {
    let candidates = [ProcessInfo.processInfo.environment["GGUFKIT_REFERENCE_GGUF"],
                      TestAssets.smolLM2GGUF]
    return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
}()

/// Copies a file's metadata and tensors through the writer.
func rewrite(_ file: GGUFFile, to path: String) throws -> String {
    let descriptors = file.tensors.map { GGUFTensorDescriptor(name: $0.name, dimensions: $0.dimensions, type: $0.type) }
    let writer = try GGUFWriter(path: path, metadata: file.metadata, tensors: descriptors)
    for info in file.tensors { try writer.writeTensorData(file.data(for: info)) }
    try writer.finish()
    return path
}

/// llama.cpp's ggml library, whose GGUF parser (`gguf_init_from_file`) is the one that
/// matters in the end. Found via `GGUFKIT_GGML_LIB` or the fixtures build of the reference tools.
enum LlamaCppLibrary {
    static let path: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["GGUFKIT_GGML_LIB"] { candidates.append(configured) }
        candidates.append(TestAssets.fixtures + "/llama.cpp/build/bin/libggml-base.so")
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }()

    static var available: Bool { path != nil && Python.plain != nil }
}
