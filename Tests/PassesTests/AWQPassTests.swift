import Calibration
import Conversion
import Foundation
import GGUF
import Inference
@testable import Passes
import Testing
import TestSupport

@Suite("AWQ pass")
struct AWQPassTests {
    static let tokens: [Int32] = [1, 403, 261, 13, 29, 411, 267, 286, 95, 300, 17, 2, 1, 45, 46, 47]

    /// Converts stories260K as F32, with `passes`.
    static func convert(_ folder: String, to output: String, passes: [any ModelPass], threads: Int = 2) throws {
        var options = ConversionOptions(modelDirectory: folder, outputPath: output)
        options.fileType = .f32
        options.threads = threads
        try Converter.convert(options, passes: passes)
    }

    static func awq(searchType: GGMLType = .q4_0) -> AWQPass {
        var pass = AWQPass(request: CalibrationRequest(corpusPath: nil, chunkCount: 6, contextLength: 128))
        pass.searchType = searchType
        return pass
    }

    @Test("scales searched for q4_0 but written as F32 leave the logits unchanged")
    func foldingIsExact() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        try Self.convert(stories, to: scratch.file("plain.gguf"), passes: [])
        try Self.convert(stories, to: scratch.file("awq.gguf"), passes: [Self.awq()])

        let awq = try GGUFFile(path: scratch.file("awq.gguf"))
        let alphas = awq.metadata["ggufkit.awq.alphas"]
        guard case let .array(_, values)? = alphas else {
            Issue.record("no ggufkit.awq.alphas in the output")
            return
        }
        #expect(values.count == 5 * 3)
        #expect(values.contains { if case let .float32(a) = $0 { a > 0 } else { false } }, "no group was scaled")
        let plain = try GGUFFile(path: scratch.file("plain.gguf"))
        #expect(plain.data(named: "blk.0.attn_norm.weight").map(Array.init)
            != awq.data(named: "blk.0.attn_norm.weight").map(Array.init))

        var options = InferenceOptions(threads: 2)
        options.activationPrecision = .exact
        let original = try LlamaModel(ggufPath: scratch.file("plain.gguf"), options: options)
        let scaled = try LlamaModel(ggufPath: scratch.file("awq.gguf"), options: options)
        var expected: [[Float]] = [], found: [[Float]] = []
        try original.evaluate(sequences: [Self.tokens], outputPositions: 0 ..< Self.tokens.count) { _, _, l in
            expected.append(Array(l))
        }
        try scaled.evaluate(sequences: [Self.tokens], outputPositions: 0 ..< Self.tokens.count) { _, _, l in
            found.append(Array(l))
        }
        for (a, b) in zip(expected, found) {
            let scale = a.map(abs).max() ?? 1
            let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 1e-4 * scale, "logits differ by \(difference) (largest \(scale))")
        }
    }

    @Test("the same file for 1 and 2 threads")
    func deterministic() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        var pass = AWQPass(request: CalibrationRequest(corpusPath: nil, chunkCount: 4, contextLength: 128))
        pass.grid = 10
        var options = ConversionOptions(modelDirectory: stories, outputPath: scratch.file("one.gguf"))
        options.fileType = .q4_0
        options.threads = 1
        try Converter.convert(options, passes: [pass])
        options.outputPath = scratch.file("two.gguf")
        options.threads = 2
        try Converter.convert(options, passes: [pass])
        #expect(try readBytes(scratch.file("one.gguf")) == readBytes(scratch.file("two.gguf")))
    }

    @Test("scale groups: V → O only without grouped-query attention")
    func groupTable() {
        let gqa = ScaleGroups.llamaFamily(layer: 3, heads: 8, keyValueHeads: 4)
        #expect(gqa.map(\.label) == ["attention input", "feed-forward input", "up → down"])
        #expect(gqa[0].weights == ["blk.3.attn_q.weight", "blk.3.attn_k.weight", "blk.3.attn_v.weight"])
        #expect(gqa[0].absorber == .normWeight("blk.3.attn_norm.weight"))
        #expect(gqa[2].absorber == .matrixRows("blk.3.ffn_up.weight"))
        let mha = ScaleGroups.llamaFamily(layer: 0, heads: 8, keyValueHeads: 8)
        #expect(mha.map(\.label) == ["attention input", "V → O", "feed-forward input", "up → down"])
        #expect(mha[1].weights == ["blk.0.attn_output.weight"])
        #expect(mha[1].absorber == .matrixRows("blk.0.attn_v.weight"))
    }

    @Test("dead, huge and non-finite activation columns still give finite positive scales",
          arguments: [0.0, 0.5, 0.95])
    func finiteScales(alpha: Double) {
        let magnitudes: [Double] = [0, 1e-30, 3, .infinity, .nan, 1e30, 0.2]
        let scales = ScaleSearch.scales(magnitude: magnitudes, alpha: alpha)
        #expect(scales.count == magnitudes.count)
        #expect(scales.allSatisfy { $0.isFinite && $0 > 0 })
        if alpha == 0 { #expect(scales.allSatisfy { $0 == 1 }) }
    }

    @Test("a quantized source is refused")
    func refusesQuantized() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        var options = ConversionOptions(modelDirectory: stories, outputPath: scratch.file("q8.gguf"))
        options.fileType = .q8_0
        try Converter.convert(options)
        var requantize = ConversionOptions(modelDirectory: "", outputPath: scratch.file("out.gguf"))
        requantize.fileType = .q4_0
        #expect(throws: ConversionError.passRequiresFullPrecision(pass: "awq", source: scratch.file("q8.gguf"))) {
            try Requantizer.quantize(inputPath: scratch.file("q8.gguf"), requantize, passes: [Self.awq()])
        }
        #expect(!fileExists(scratch.file("out.gguf")))
    }

    @Test("a corpus shorter than asked is used with a warning; an empty one is an error")
    func shortCorpus() throws {
        guard let stories = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        let corpus = scratch.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let story = "Once upon a time there was a little girl named Lily. She liked to play in the park with her dog. "
        try String(repeating: story, count: 8).write(toFile: corpus + "/story.txt", atomically: true, encoding: .utf8)
        let log = LogLines()
        var pass = AWQPass(request: CalibrationRequest(corpusPath: corpus, chunkCount: 50, contextLength: 64))
        pass.grid = 4
        var options = ConversionOptions(modelDirectory: stories, outputPath: scratch.file("short.gguf"))
        options.fileType = .q4_0
        options.log = { log.append($0) }
        try Converter.convert(options, passes: [pass])
        let warning = log.lines.first { $0.hasPrefix("warning: calibration: 50 chunks asked for") }
        #expect(warning != nil, "log: \(log.lines)")
        let chunks = try GGUFFile(path: scratch.file("short.gguf")).metadata["ggufkit.awq.chunks"]?.intValue ?? 0
        #expect(chunks >= 1 && chunks < 50)

        let empty = scratch.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try "".write(toFile: empty + "/nothing.txt", atomically: true, encoding: .utf8)
        options.outputPath = scratch.file("empty.gguf")
        #expect(throws: CalibrationError.emptyCorpus(path: empty)) {
            try Converter.convert(options, passes: [AWQPass(request: CalibrationRequest(corpusPath: empty, chunkCount: 4,
                                                                                        contextLength: 64))])
        }
        #expect(!fileExists(scratch.file("empty.gguf")))
    }
}
