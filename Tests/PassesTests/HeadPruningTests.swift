import Calibration
import Conversion
import Export
import Foundation
import GGUF
import Inference
import Models
@testable import Passes
import Testing
import TestSupport

@Suite("attention-head pruning")
struct HeadPruningTests {
    static let tokens: [Int32] = [1, 403, 261, 13, 29, 411, 267, 286, 95, 300, 17, 2, 1, 45, 46, 47]

    static func pass(_ amount: String, method: PruneMethod = .importance, granularity: PruneGranularity = .group,
                     compensate: Bool = true, uniform: Bool = false) throws -> HeadPruningPass {
        var pass = HeadPruningPass(amount: try PruneAmount(parsing: amount), amountText: amount,
                                   request: CalibrationRequest(corpusPath: nil, chunkCount: 4, contextLength: 128))
        pass.method = method
        pass.granularity = granularity
        pass.compensate = compensate
        pass.uniform = uniform
        return pass
    }

    /// Converts `folder` (stories260K: 5 layers of 8 heads sharing 4 KV heads) as F32 with `passes`.
    static func convert(_ folder: String, to output: String, passes: [any ModelPass]) throws {
        var options = ConversionOptions(modelDirectory: folder, outputPath: output)
        options.fileType = .f32
        options.threads = 2
        try Converter.convert(options, passes: passes)
    }

    static func logits(_ model: LlamaModel) throws -> [[Float]] {
        var result: [[Float]] = []
        try model.evaluate(sequences: [tokens], outputPositions: 0 ..< tokens.count) { _, _, logits in
            result.append(Array(logits))
        }
        return result
    }

    static func exact(_ path: String) throws -> LlamaModel {
        var options = InferenceOptions(threads: 2)
        options.activationPrecision = .exact
        return try LlamaModel(ggufPath: path, options: options)
    }

    /// A per-layer key's values, a single value repeated for every layer.
    static func integers(_ value: GGUFValue?, layers: Int = 5) -> [Int]? {
        if let single = value?.intValue { return Array(repeating: single, count: layers) }
        return value?.arrayValue?.compactMap(\.intValue)
    }

    @Test("amounts: shares and counts parse; 0%, 100%, negative and malformed amounts are refused")
    func amounts() throws {
        #expect(try PruneAmount(parsing: "10%") == .share(0.1))
        #expect(try PruneAmount(parsing: " 27 ") == .count(27))
        for text in ["0%", "100%", "150%", "-5%", "0", "-3", "ten", "10%%", "", "nan%"] {
            #expect(throws: PruningError.self, "\(text)") { try PruneAmount(parsing: text) }
        }
    }

    @Test("more heads than exist, or than can go, and amounts rounding to no unit are clear errors")
    func hostileAmounts() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        let output = scratch.file("out.gguf")
        #expect(throws: PruningError.tooManyHeads(text: "41", requested: 41, removable: 30, total: 40)) {
            try Self.convert(stories, to: output, passes: [Self.pass("41", method: .norm, compensate: false)])
        }
        #expect(throws: PruningError.tooManyHeads(text: "99%", requested: 40, removable: 30, total: 40)) {
            try Self.convert(stories, to: output, passes: [Self.pass("99%", method: .norm, compensate: false)])
        }
        #expect(throws: PruningError.nothingToRemove(text: "1%", unitHeads: 2)) {
            try Self.convert(stories, to: output, passes: [Self.pass("1%", method: .norm, compensate: false)])
        }
        #expect(!fileExists(output))
    }

    @Test("GQA: whole groups, or the same number of query heads from every group; every layer keeps a unit")
    func gqaUnits() throws {
        let shape = LayerHeads(heads: 9, keyValueHeads: 3)
        let scores: [Double] = [5, 1, 3, 9, 8, 7, 0.5, 0.1, 0.2]
        let groups = PruningPlanner.units(layer: 0, shape: shape, granularity: .group, headScores: scores, groupScores: nil)
        #expect(groups.map(\.keyValueHeads) == [[2], [0], [1]])
        #expect(groups[0].heads == [6, 7, 8])
        let queries = PruningPlanner.units(layer: 0, shape: shape, granularity: .query, headScores: scores, groupScores: nil)
        #expect(queries.count == 3)
        #expect(queries[0].heads == [1, 5, 7])
        #expect(queries.allSatisfy { $0.keyValueHeads.isEmpty })
        #expect(queries.map(\.score) == queries.map(\.score).sorted())

        // Two layers, everything asked for: each keeps its best unit.
        let other = PruningPlanner.units(layer: 1, shape: shape, granularity: .group, headScores: scores.map { $0 * 10 },
                                         groupScores: nil)
        let chosen = PruningPlanner.choose([groups, other], count: 4, uniform: false)
        #expect(chosen.count == 4)
        #expect(Set(chosen.map(\.layer)) == [0, 1])
        #expect(chosen.filter { $0.layer == 0 }.count == 2)
        let even = PruningPlanner.choose([groups, other], count: 2, uniform: true)
        #expect(even.map(\.layer) == [0, 1])
    }

    @Test("per-layer counts: convert → inspect → inference → export → convert", arguments: [PruneGranularity.group, .query])
    func roundTrip(granularity: PruneGranularity) throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        let pruned = scratch.file("pruned.gguf")
        try Self.convert(stories, to: pruned, passes: [Self.pass("20%", granularity: granularity)])
        let file = try GGUFFile(path: pruned)
        #expect(file.metadata[GGUFKey.architecture]?.stringValue == "deci")
        let heads = try #require(Self.integers(file.metadata["deci.attention.head_count"]))
        let kvHeads = try #require(Self.integers(file.metadata["deci.attention.head_count_kv"]))
        #expect(heads.count == 5 && kvHeads.count == 5)
        #expect(heads.reduce(0, +) == 40 - 8)
        #expect(zip(heads, kvHeads).allSatisfy { $0 % $1 == 0 && $0 >= 2 })
        if granularity == .query { #expect(kvHeads == [4, 4, 4, 4, 4]) }
        #expect(file.metadata["deci.attention.key_length"]?.intValue == 8)
        for layer in 0 ..< 5 {
            #expect(file.tensor(named: "blk.\(layer).attn_q.weight")?.dimensions == [64, heads[layer] * 8])
            #expect(file.tensor(named: "blk.\(layer).attn_k.weight")?.dimensions == [64, kvHeads[layer] * 8])
            #expect(file.tensor(named: "blk.\(layer).attn_output.weight")?.dimensions == [heads[layer] * 8, 64])
        }
        let hyper = try ModelHyperParameters(metadata: file.metadata, source: pruned)
        #expect(hyper.headCounts == heads && hyper.keyValueHeadCounts == kvHeads)

        let expected = try Self.logits(Self.exact(pruned))
        #expect(expected.allSatisfy { $0.allSatisfy(\.isFinite) })

        let folder = scratch.file("exported")
        _ = try GGUFExporter.export(ggufPath: pruned, to: folder, options: ExportOptions(dtype: .f32, threads: 2))
        let config = try readJSONObject(folder + "/config.json")
        #expect(config["architectures"] as? [String] == ["LlamaForCausalLM"])
        #expect(config["num_attention_heads_per_layer"] as? [Int] == heads)
        #expect(config["num_key_value_heads_per_layer"] as? [Int] == kvHeads)

        // The folder runs as it is, and converts back to the same file.
        var options = InferenceOptions(threads: 2)
        options.activationPrecision = .exact
        let fromFolder = try Self.logits(LlamaModel(huggingFaceDirectory: folder, options: options))
        let back = scratch.file("back.gguf")
        try Self.convert(folder, to: back, passes: [])
        let backFile = try GGUFFile(path: back)
        #expect(backFile.metadata[GGUFKey.architecture]?.stringValue == "deci")
        #expect(Self.integers(backFile.metadata["deci.attention.head_count"]) == heads)
        #expect(Self.integers(backFile.metadata["deci.attention.head_count_kv"]) == kvHeads)
        #expect(Set(backFile.tensors.map(\.name)) == Set(file.tensors.map(\.name)))
        for info in file.tensors {
            #expect(backFile.data(named: info.name).map(Array.init) == file.data(for: info).map { $0 }, "\(info.name)")
        }
        let again = try Self.logits(Self.exact(back))
        #expect(again == expected)
        for (a, b) in zip(expected, fromFolder) {
            let scale = a.map(abs).max() ?? 1
            #expect((zip(a, b).map { abs($0 - $1) }.max() ?? 0) <= 1e-4 * scale)
        }
    }

    @Test("equal counts in every layer keep the llama architecture")
    func uniformKeepsLlama() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        let output = scratch.file("uniform.gguf")
        try Self.convert(stories, to: output, passes: [Self.pass("25%", uniform: true)])
        let file = try GGUFFile(path: output)
        #expect(file.metadata[GGUFKey.architecture]?.stringValue == "llama")
        #expect(file.metadata["llama.attention.head_count"] == .uint32(6))
        #expect(file.metadata["llama.attention.head_count_kv"] == .uint32(3))
        #expect(file.tensor(named: "blk.4.attn_output.bias")?.dimensions == [64])
        #expect(try Self.logits(Self.exact(output)).allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test("removing heads that were all zero keeps every other weight and the original's logits", arguments: PruneMethod.allCases)
    func zeroHeads(method: PruneMethod) throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        let plain = scratch.file("plain.gguf")
        try Self.convert(stories, to: plain, passes: [])
        // Zero KV group 1 (query heads 2 and 3, KV head 1) of every layer: the V rows and the
        // output columns, so the heads add nothing and have no weight norm.
        var bytes = try readBytes(plain)
        let file = try GGUFFile(path: plain)
        for layer in 0 ..< 5 {
            let value = try #require(file.tensor(named: "blk.\(layer).attn_v.weight"))
            for index in 8 * 64 ..< 16 * 64 { Self.zero(&bytes, file: file, info: value, element: index) }
            let output = try #require(file.tensor(named: "blk.\(layer).attn_output.weight"))
            for row in 0 ..< 64 {
                for column in 16 ..< 32 { Self.zero(&bytes, file: file, info: output, element: row * 64 + column) }
            }
        }
        let zeroed = scratch.file("zeroed.gguf")
        try writeBytes(bytes, to: zeroed)
        // Norm and importance find the zero heads; random removes a random group, so its check
        // is only that every layer lost one group.
        let pruned = scratch.file("pruned.gguf")
        var options = ConversionOptions(modelDirectory: "", outputPath: pruned)
        options.fileType = .f32
        options.threads = 2
        try Requantizer.quantize(inputPath: zeroed, options, passes: [Self.pass("10", method: method)])
        let result = try GGUFFile(path: pruned)
        guard method != .random else {
            let arch = result.metadata[GGUFKey.architecture]?.stringValue ?? ""
            #expect(Self.integers(result.metadata["\(arch).attention.head_count"])?.reduce(0, +) == 30)
            return
        }
        #expect(result.metadata["llama.attention.head_count"] == .uint32(6))
        #expect(result.tensor(named: "blk.0.attn_output.bias") == nil, "a zero head needs no compensation")
        let found = try Self.logits(Self.exact(pruned)), expected = try Self.logits(Self.exact(zeroed))
        let difference = zip(found, expected).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        // Equal up to the order BLAS sums the remaining products in (a shorter attn_output row):
        // float rounding only, far below any change a head would make.
        let scale = expected.flatMap { $0 }.map(abs).max() ?? 1
        #expect(difference <= 1e-5 * scale, "logits differ by up to \(difference)")
        for layer in 0 ..< 5 {
            let name = "blk.\(layer).attn_q.weight"
            let kept = try #require(result.data(named: name)).map { $0 }
            let original = try #require(file.data(named: name)).map { $0 }
            #expect(kept == Array(original[0 ..< 16 * 64 * 4]) + Array(original[32 * 64 * 4 ..< 64 * 64 * 4]), "\(name)")
        }
    }

    static func zero(_ bytes: inout [UInt8], file: GGUFFile, info: GGUFTensorInfo, element: Int) {
        let offset = file.dataOffset + info.offset + element * 4
        for k in 0 ..< 4 { bytes[offset + k] = 0 }
    }

    @Test("the same file for 1 and 2 threads, and for the same random seed")
    func deterministic() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        var options = ConversionOptions(modelDirectory: stories, outputPath: scratch.file("one.gguf"))
        options.fileType = .f32
        options.threads = 1
        try Converter.convert(options, passes: [Self.pass("20%")])
        options.outputPath = scratch.file("two.gguf")
        options.threads = 2
        try Converter.convert(options, passes: [Self.pass("20%")])
        #expect(try readBytes(scratch.file("one.gguf")) == readBytes(scratch.file("two.gguf")))

        var random = try Self.pass("20%", method: .random, compensate: false)
        random.seed = 7
        options.outputPath = scratch.file("r1.gguf")
        try Converter.convert(options, passes: [random])
        options.outputPath = scratch.file("r2.gguf")
        try Converter.convert(options, passes: [random])
        #expect(try readBytes(scratch.file("r1.gguf")) == readBytes(scratch.file("r2.gguf")))
    }
}
