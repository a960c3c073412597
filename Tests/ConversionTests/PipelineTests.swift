import Conversion
import Foundation
import GGUF
import Testing
import TestSupport

/// A pass that changes all three kinds of thing a pass may change: it keeps only the first
/// `keep` feed-forward units of every layer (shapes), doubles every attention norm (data) and
/// records the new width in the metadata.
struct ShrinkFeedForwardPass: ModelPass {
    var keep: Int
    var name: String { "shrink-ffn" }
    var stage: PassStage { .pruning }
    var requirements: PassRequirements { .fullPrecisionWeights }
    var effects: PassEffects { [.tensorData, .tensorShapes, .metadata] }

    func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome {
        let arch = model.architecture
        let layers = model.metadata["\(arch).block_count"]?.intValue ?? 0
        for layer in 0 ..< layers {
            let p = "blk.\(layer)."
            for name in [p + "ffn_gate.weight", p + "ffn_up.weight"] {
                let tensor = try #require(model.tensor(named: name))
                let values = try model.floats(of: name)
                try model.replace(name, values: Array(values[0 ..< keep * tensor.rowLength]),
                                  dimensions: [tensor.rowLength, keep])
            }
            let down = try #require(model.tensor(named: p + "ffn_down.weight"))
            let values = try model.floats(of: p + "ffn_down.weight")
            var kept: [Float] = []
            for row in 0 ..< down.rowCount {
                kept += values[(row * down.rowLength) ..< (row * down.rowLength + keep)]
            }
            try model.replace(p + "ffn_down.weight", values: kept, dimensions: [keep, down.rowCount])
            let norm = try model.floats(of: p + "attn_norm.weight")
            try model.replace(p + "attn_norm.weight", values: norm.map { $0 * 2 })
        }
        model.metadata["\(arch).feed_forward_length"] = .uint32(UInt32(keep))
        return PassOutcome()
    }
}

/// Doubles every attention query and key matrix: shapes unchanged, rows permuted by the
/// converter, so the values must reach the file in llama.cpp's row order.
struct DoubleQueryKeyPass: ModelPass {
    var name: String { "double-qk" }
    var stage: PassStage { .scaling }
    var requirements: PassRequirements { .fullPrecisionWeights }
    var effects: PassEffects { .tensorData }

    func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome {
        for tensor in model.tensors where tensor.ggufName.hasSuffix("attn_q.weight") || tensor.ggufName.hasSuffix("attn_k.weight") {
            try model.replace(tensor.ggufName, values: model.floats(of: tensor.ggufName).map { $0 * 2 })
        }
        return PassOutcome()
    }
}

/// Records when it ran; optionally changes metadata it does not declare.
struct RecordingPass: ModelPass {
    var name: String
    var stage: PassStage
    var order: LogLines
    var breaksContract = false
    var requirements: PassRequirements { [] }
    var effects: PassEffects { .importance }

    func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome {
        order.append(name)
        if breaksContract { model.metadata["general.name"] = .string("changed") }
        return PassOutcome()
    }
}

@Suite("One pipeline with passes")
struct PipelineTests {
    func options(_ input: String, _ output: String, _ type: FileType) -> ConversionOptions {
        var options = ConversionOptions(modelDirectory: input, outputPath: output)
        options.fileType = type
        options.threads = 2
        return options
    }

    @Test("a pass that changes data, shapes and metadata", arguments: [FileType.f32, .f16])
    func changingPass(type: FileType) throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.intermediate = 48
        let folder = scratch.file("model")
        try model.write(to: folder)
        let plainPath = scratch.file("plain.gguf")
        try Converter.convert(options(folder, plainPath, type))
        let shrunkPath = scratch.file("shrunk.gguf")
        try Converter.convert(options(folder, shrunkPath, type), passes: [ShrinkFeedForwardPass(keep: 16)])

        let plain = try GGUFFile(path: plainPath)
        let shrunk = try GGUFFile(path: shrunkPath)
        #expect(shrunk.metadata["llama.feed_forward_length"]?.intValue == 16)
        #expect(plain.metadata["llama.feed_forward_length"]?.intValue == 48)
        for layer in 0 ..< model.layers {
            let p = "blk.\(layer)."
            #expect(shrunk.tensor(named: p + "ffn_up.weight")?.dimensions == [model.hidden, 16])
            #expect(shrunk.tensor(named: p + "ffn_down.weight")?.dimensions == [16, model.hidden])
            let up = try #require(plain.values(of: p + "ffn_up.weight"))
            #expect(shrunk.values(of: p + "ffn_up.weight") == Array(up[0 ..< 16 * model.hidden]))
            let down = try #require(plain.values(of: p + "ffn_down.weight"))
            let expectedDown = (0 ..< model.hidden).flatMap { down[($0 * 48) ..< ($0 * 48 + 16)] }
            #expect(shrunk.values(of: p + "ffn_down.weight") == expectedDown)
            let norm = try #require(plain.values(of: p + "attn_norm.weight"))
            #expect(shrunk.values(of: p + "attn_norm.weight") == norm.map { $0 * 2 })
        }
        // Tensors no pass touched are written exactly as without the pass.
        for info in plain.tensors where !info.name.contains("ffn_") && !info.name.contains("attn_norm") {
            #expect(shrunk.bytes(of: info.name) == plain.bytes(of: info.name), "\(info.name)")
        }
    }

    @Test("passes run in stage order whatever order they are given in")
    func stageOrder() throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try TinyModel.llama.write(to: folder)
        let order = LogLines()
        let passes: [any ModelPass] = [
            RecordingPass(name: "importance", stage: .importance, order: order),
            RecordingPass(name: "scaling", stage: .scaling, order: order),
            RecordingPass(name: "pruning", stage: .pruning, order: order),
        ]
        try Converter.convert(options(folder, scratch.file("out.gguf"), .f16), passes: passes)
        #expect(order.lines == ["pruning", "scaling", "importance"])
    }

    @Test("a pass that changes what it does not declare fails and leaves no output")
    func contract() throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try TinyModel.llama.write(to: folder)
        let output = scratch.file("out.gguf")
        let pass = RecordingPass(name: "sneaky", stage: .importance, order: LogLines(), breaksContract: true)
        #expect(throws: ConversionError.passBrokeContract(pass: "sneaky", change: "metadata")) {
            try Converter.convert(options(folder, output, .f16), passes: [pass])
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("a pass that needs full-precision weights refuses a quantized GGUF")
    func refusesQuantizedSource() throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.hidden = 64
        model.intermediate = 64
        let folder = scratch.file("model")
        try model.write(to: folder)
        let quantized = scratch.file("q8.gguf")
        try Converter.convert(options(folder, quantized, .q8_0))
        let output = scratch.file("out.gguf")
        #expect(throws: ConversionError.passRequiresFullPrecision(pass: "shrink-ffn", source: quantized)) {
            try Requantizer.quantize(inputPath: quantized, options("", output, .q4_0),
                                     passes: [ShrinkFeedForwardPass(keep: 32)])
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        // From the float GGUF the same pass runs.
        let f32 = scratch.file("f32.gguf")
        try Converter.convert(options(folder, f32, .f32))
        try Requantizer.quantize(inputPath: f32, options("", output, .q4_0), passes: [ShrinkFeedForwardPass(keep: 32)])
        #expect(try GGUFFile(path: output).tensor(named: "blk.0.ffn_up.weight")?.dimensions == [64, 32])
    }

    @Test("replaced Q/K tensors keep llama.cpp's row order, and the scratch file leaves nothing behind")
    func permutedReplacement() throws {
        let scratch = try TemporaryDirectory()
        let model = TinyModel.llama
        let folder = scratch.file("model")
        try model.write(to: folder)
        let out = scratch.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let plainPath = out + "/plain.gguf", doubledPath = out + "/doubled.gguf"
        try Converter.convert(options(folder, plainPath, .f32))
        try Converter.convert(options(folder, doubledPath, .f32), passes: [DoubleQueryKeyPass()])
        let plain = try GGUFFile(path: plainPath), doubled = try GGUFFile(path: doubledPath)
        for info in plain.tensors {
            let values = try #require(plain.values(of: info.name))
            let expected = info.name.hasSuffix("attn_q.weight") || info.name.hasSuffix("attn_k.weight")
                ? values.map { $0 * 2 } : values
            #expect(doubled.values(of: info.name) == expected, "\(info.name)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["doubled.gguf", "plain.gguf"])
    }

    @Test("a scratch folder that cannot be written is named in the error")
    func scratchFailure() throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try TinyModel.llama.write(to: folder)
        var view = try ModelPipeline.view(of: .huggingFace(HFModelFolder(directory: folder)),
                                          options: options(folder, scratch.file("x.gguf"), .f32))
        view.scratchDirectory = scratch.file("missing")
        let name = try #require(view.tensors.first { $0.dimensions.count == 2 }).ggufName
        let values = try view.floats(of: name)
        #expect {
            try view.replace(name, values: values)
        } throws: { error in
            guard case let .scratchFailed(directory, _) = error as? ConversionError else { return false }
            return directory == scratch.file("missing")
        }
    }
}
