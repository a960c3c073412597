import Conversion
import Foundation
import GGUF
import SafeTensors
import Testing
import TestSupport

@Suite("converted files read back")
struct ConvertedFileTests {
    /// Checks names, GGUF dimensions, types and every byte of every tensor against values
    /// computed here from the checkpoint.
    private func checkTensors(_ model: TinyModel, fileType: FileType, sharded: Bool = false) throws {
        let scratch = try TemporaryDirectory()
        let (file, summary) = try convertFixture(model, in: scratch, type: fileType, sharded: sharded)
        let sources = model.tensors().filter { $0.name != "lm_head.weight" || model.head == .distinct }

        #expect(Set(file.tensors.map(\.name)) == Set(sources.map { TinyModel.ggufName($0.name) }))
        #expect(file.tensors.count == sources.count)
        for source in sources {
            let name = TinyModel.ggufName(source.name)
            let info = try #require(file.tensor(named: name))
            #expect(info.dimensions == Array(source.shape.reversed()), "\(name)")
            #expect(info.type == expectedType(source, fileType: fileType), "\(name)")
            let expected = Reference.encode(model.expectedValues(source), as: info.type)
            let actual = Array(file.data(for: info))
            let difference = firstDifference(actual, expected)
            #expect(difference == nil, "\(name) (\(source.dtype.rawValue) → \(info.type.name)): bytes differ at \(difference ?? -1)")
        }
        #expect(summary.tensorCount == file.tensors.count)
        #expect(summary.parameterCount == sources.reduce(0) { $0 + $1.values.count })
        #expect(summary.bytesWritten == file.fileSize)
    }

    @Test("llama: every tensor's name, dimensions, type and bytes", arguments: floatFileTypes)
    func llama(fileType: FileType) throws {
        try checkTensors(.llama, fileType: fileType)
    }

    @Test("mistral, qwen2 (biases) and qwen3 (q/k norms, wide heads)",
          arguments: ["MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"], [FileType.f16, .bf16])
    func otherArchitectures(architecture: String, fileType: FileType) throws {
        try checkTensors(.named(architecture), fileType: fileType)
    }

    @Test("single-dtype checkpoints convert exactly", arguments: [SafeTensorsDType.f32, .f16, .bf16], floatFileTypes)
    func singleDType(dtype: SafeTensorsDType, fileType: FileType) throws {
        var model = TinyModel.llama
        model.dtypes = .all(dtype)
        try checkTensors(model, fileType: fileType)
    }

    @Test("MHA and a single KV head permute with their own head counts", arguments: [(4, 4), (4, 1), (2, 2), (1, 1)])
    func headLayouts(heads: Int, kvHeads: Int) throws {
        var model = TinyModel.llama
        model.heads = heads
        model.kvHeads = kvHeads
        try checkTensors(model, fileType: .f32)
    }

    @Test("file order: token_embd first, blocks by layer, output_norm and output last")
    func fileOrder() throws {
        var model = TinyModel.llama
        model.layers = 12 // two-digit layers must sort numerically
        let scratch = try TemporaryDirectory()
        let (file, _) = try convertFixture(model, in: scratch)
        let names = file.tensors.map(\.name)
        #expect(names.first == "token_embd.weight")
        #expect(Array(names.suffix(2)) == ["output_norm.weight", "output.weight"])
        let layers = names.dropFirst().dropLast(2).map { name -> Int in
            #expect(name.hasPrefix("blk."))
            return Int(name.split(separator: ".")[1]) ?? -1
        }
        #expect(layers == layers.sorted())
        #expect(Set(layers) == Set(0 ..< 12))
    }

    @Test("llama's Q/K rows are permuted, qwen2's and qwen3's are not",
          arguments: ["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"])
    func permutation(architecture: String) throws {
        let model = TinyModel.named(architecture)
        let scratch = try TemporaryDirectory()
        let (file, _) = try convertFixture(model, in: scratch, type: .f32)
        let sources = Dictionary(uniqueKeysWithValues: model.tensors().map { ($0.name, $0) })
        for (hf, gguf, heads) in [("model.layers.1.self_attn.q_proj.weight", "blk.1.attn_q.weight", model.heads),
                                  ("model.layers.1.self_attn.k_proj.weight", "blk.1.attn_k.weight", model.kvHeads)] {
            let source = try #require(sources[hf])
            let output = try #require(file.values(of: gguf))
            let columns = source.columns
            let row = { (values: [Float], index: Int) in Array(values[(index * columns) ..< ((index + 1) * columns)]) }
            let half = source.rows / heads / 2
            if model.permutesQK {
                // Output rows 0 and 1 are the first rows of the two halves of head 0.
                #expect(row(output, 0) == row(source.values, 0))
                #expect(row(output, 1) == row(source.values, half))
                #expect(output != source.values)
            } else {
                #expect(output == source.values, "\(gguf) must keep Hugging Face's row order")
            }
        }
        // V is never permuted.
        #expect(file.values(of: "blk.0.attn_v.weight") == sources["model.layers.0.self_attn.v_proj.weight"]?.values)
    }

    @Test("F16 and BF16 round to nearest even, with ties, subnormals and overflow")
    func rounding() throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.dtypes = .all(.f32)
        let probes = TinyModel.probeValues
        let f16 = try convertFixture(model, in: scratch, name: "a", type: .f16).0
        let half = try #require(f16.bytes(of: "token_embd.weight"))
        let halfBits = (0 ..< probes.count).map { UInt16(half[2 * $0]) | UInt16(half[2 * $0 + 1]) << 8 }
        #expect(halfBits[0] == 0x3C00) // 1 + 2^-11 is halfway: rounds to the even 1.0
        #expect(halfBits[1] == 0x3C02) // 1 + 3·2^-11 is halfway: rounds up to even
        #expect(halfBits[6] == Float16(-3e-6).bitPattern) // subnormal half
        #expect(halfBits[7] == 0x7C00) // 70000 overflows to +inf
        #expect(halfBits[8] == 0x8000) // -0 keeps its sign
        #expect(halfBits[9] == 0x7BFF) // 65504 is the largest half
        #expect(halfBits[10] == 0x7C00) // 65520 rounds to infinity
        #expect(halfBits == probes.map(Reference.halfBits))

        let bf16 = try convertFixture(model, in: scratch, name: "b", type: .bf16).0
        let brain = try #require(bf16.bytes(of: "token_embd.weight"))
        let brainBits = (0 ..< probes.count).map { UInt16(brain[2 * $0]) | UInt16(brain[2 * $0 + 1]) << 8 }
        #expect(brainBits[2] == 0x3F80) // tie to even, down
        #expect(brainBits[3] == 0x3F82) // tie to even, up
        #expect(brainBits[4] == 0xBF80) // negative tie
        #expect(brainBits[7] == 0x4789) // 70000 fits BF16's range
        #expect(brainBits == probes.map(Reference.bfloat16Bits))
    }

    @Test("a sharded checkpoint converts to the same bytes as a single file", arguments: [FileType.f16, .auto])
    func sharded(fileType: FileType) throws {
        let scratch = try TemporaryDirectory()
        let single = try scratch.folder("single")
        let sharded = try scratch.folder("sharded")
        // Same folder name, so general.name matches too.
        try TinyModel.llama.write(to: single + "/tiny", sharded: false)
        try TinyModel.llama.write(to: sharded + "/tiny", sharded: true)
        #expect(!FileManager.default.fileExists(atPath: sharded + "/tiny/model.safetensors"))
        try convert(single + "/tiny", to: single + "/out.gguf", type: fileType)
        try convert(sharded + "/tiny", to: sharded + "/out.gguf", type: fileType)
        #expect(try readBytes(single + "/out.gguf") == readBytes(sharded + "/out.gguf"))
        try checkTensors(.llama, fileType: fileType, sharded: true)
    }

    @Test("rotary_emb.inv_freq tensors are skipped with a log line")
    func skipsRotaryCache() throws {
        let scratch = try TemporaryDirectory()
        let model = TinyModel.llama
        var tensors = model.tensors()
        tensors.append(SourceTensor(name: "model.layers.0.self_attn.rotary_emb.inv_freq", dtype: .f32, shape: [4],
                                    values: [1, 0.1, 0.01, 0.001]))
        try model.write(to: scratch.file("m"), tensors: tensors)
        let log = LogLines()
        try convert(scratch.file("m"), to: scratch.file("m.gguf"), log: log)
        let file = try GGUFFile(path: scratch.file("m.gguf"))
        #expect(file.tensors.count == model.tensors().count)
        #expect(!file.tensors.contains { $0.name.contains("inv_freq") })
        #expect(log.contains("skipping model.layers.0.self_attn.rotary_emb.inv_freq"))
    }

    @Test("progress ends at all tensors and all bytes")
    func progress() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let reports = ProgressLog()
        var options = ConversionOptions(modelDirectory: scratch.file("m"), outputPath: scratch.file("m.gguf"))
        options.progress = { reports.append($0) }
        let summary = try Converter.convert(options)
        let last = try #require(reports.all.last)
        #expect(last.tensorsDone == summary.tensorCount)
        #expect(last.tensorCount == summary.tensorCount)
        #expect(last.bytesDone == last.bytesTotal)
        let done = reports.all.map(\.bytesDone)
        #expect(done == done.sorted())
    }
}
