import Conversion
import Foundation
import GGUF
// Models and Tokenizers come in through Conversion; their errors are what it throws.
import Models
import SafeTensors
import Testing
import TestSupport
import Tokenizers

/// One way a model folder (or the output path) can be wrong, how to make it so from a
/// good folder, and the error that must come back.
enum BadInput: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case truncatedData, truncatedToFiveBytes, headerLengthPastEnd, overlappingOffsets, byteCountMismatch
    case headerNotJSON, unknownDType, noSafeTensorsFiles
    case configNotJSON, configMissingHiddenSize, configMissing, unsupportedArchitecture, generationConfigNotJSON
    case missingShard, tensorInWrongShard
    case missingLayerTensor, missingEmbedding, wrongShape, wrongBiasShape, rowsNotSplittableIntoHeads, i32Weight
    case unexpectedTensor
    case notADirectory, noTokenizer, outputFolderMissing

    var testDescription: String { rawValue }

    var sharded: Bool { self == .missingShard || self == .tensorInWrongShard }

    static var model: TinyModel { .llama }

    /// Breaks the good folder at `model`; may point the conversion elsewhere.
    func apply(model: String, modelPath: inout String, output: inout String) throws {
        let path = { (name: String) in (model as NSString).appendingPathComponent(name) }
        let weights = path("model.safetensors")
        var tensors = Self.model.tensors()
        func rewrite(_ change: (inout RawSafeTensors) -> Void, header: ((String) -> String)? = nil) throws {
            var raw = RawSafeTensors(tensors)
            change(&raw)
            try writeBytes(raw.bytes(header: header?(raw.headerText)), to: weights)
        }
        func replace(_ name: String, with tensor: SourceTensor?) throws {
            let index = try #require(tensors.firstIndex { $0.name == name })
            if let tensor { tensors[index] = tensor } else { tensors.remove(at: index) }
            try TinyModel.writeSafeTensors(tensors, to: weights)
        }
        switch self {
        case .truncatedData:
            let bytes = try readBytes(weights)
            try writeBytes(Array(bytes.dropLast(100)), to: weights)
        case .truncatedToFiveBytes:
            try writeBytes(Array(try readBytes(weights).prefix(5)), to: weights)
        case .headerLengthPastEnd:
            var bytes = try readBytes(weights)
            bytes.replaceSubrange(0 ..< 8, with: Reference.littleEndian(UInt64(bytes.count)))
            try writeBytes(bytes, to: weights)
        case .overlappingOffsets:
            // The norm's data starts inside the embedding's.
            try rewrite { raw in
                raw.modify("model.layers.0.input_layernorm.weight") { $0.begin -= 64; $0.end -= 64 }
            }
        case .byteCountMismatch:
            try rewrite { raw in raw.modify("model.norm.weight") { $0.shape = [Self.model.hidden + 1] } }
        case .headerNotJSON:
            try rewrite({ _ in }, header: { text in String(text.dropLast()) + "," })
        case .unknownDType:
            try rewrite { raw in raw.modify("model.norm.weight") { $0.dtype = "F7" } }
        case .noSafeTensorsFiles:
            try FileManager.default.removeItem(atPath: weights)
        case .configNotJSON:
            try writeText("{\"architectures\": [\"LlamaForCausalLM\"],", to: path("config.json"))
        case .configMissingHiddenSize:
            var config = Self.model.config
            config.removeValue(forKey: "hidden_size")
            try writeJSON(config, to: path("config.json"))
        case .configMissing:
            try FileManager.default.removeItem(atPath: path("config.json"))
        case .unsupportedArchitecture:
            var config = Self.model.config
            config["architectures"] = ["GPT2LMHeadModel"]
            try writeJSON(config, to: path("config.json"))
        case .generationConfigNotJSON:
            try writeText("{\"eos_token_id\": ", to: path("generation_config.json"))
        case .missingShard:
            try FileManager.default.removeItem(atPath: path("model-00002-of-00002.safetensors"))
        case .tensorInWrongShard:
            let index = path("model.safetensors.index.json")
            var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: index)))
                as? [String: Any])
            var map = try #require(object["weight_map"] as? [String: String])
            map["model.norm.weight"] = "model-00001-of-00002.safetensors"
            object["weight_map"] = map
            try writeJSON(object, to: index)
        case .missingLayerTensor:
            try replace("model.layers.1.mlp.up_proj.weight", with: nil)
        case .missingEmbedding:
            try replace("model.embed_tokens.weight", with: nil)
        case .wrongShape:
            let m = Self.model
            try replace("model.layers.0.self_attn.k_proj.weight", with: SourceTensor(
                name: "model.layers.0.self_attn.k_proj.weight", dtype: .f32, shape: [2 * m.kvRows, m.hidden],
                values: [Float](repeating: 0.5, count: 2 * m.kvRows * m.hidden)))
        case .wrongBiasShape:
            // Biases are optional, but one that is present must fit its projection.
            let m = Self.model
            tensors.append(SourceTensor(name: "model.layers.0.self_attn.v_proj.bias", dtype: .f32, shape: [m.kvRows + 1],
                                        values: [Float](repeating: 0.5, count: m.kvRows + 1)))
            try TinyModel.writeSafeTensors(tensors, to: weights)
        case .rowsNotSplittableIntoHeads:
            let m = Self.model
            try replace("model.layers.0.self_attn.q_proj.weight", with: SourceTensor(
                name: "model.layers.0.self_attn.q_proj.weight", dtype: .f32, shape: [m.qRows - 2, m.hidden],
                values: [Float](repeating: 0.5, count: (m.qRows - 2) * m.hidden)))
        case .i32Weight:
            let m = Self.model
            try replace("model.layers.0.mlp.down_proj.weight", with: SourceTensor(
                name: "model.layers.0.mlp.down_proj.weight", dtype: .i32, shape: [m.hidden, m.intermediate],
                values: [Float](repeating: 3, count: m.hidden * m.intermediate)))
        case .unexpectedTensor:
            tensors.append(SourceTensor(name: "model.layers.0.mlp.experts.0.w1.weight", dtype: .f32, shape: [2, 2],
                                        values: [1, 2, 3, 4]))
            try TinyModel.writeSafeTensors(tensors, to: weights)
        case .notADirectory:
            modelPath = path("config.json")
        case .noTokenizer:
            try FileManager.default.removeItem(atPath: path("tokenizer.json"))
            try FileManager.default.removeItem(atPath: path("tokenizer_config.json"))
        case .outputFolderMissing:
            output = ((output as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("missing/model.gguf")
        }
    }

    /// Whether `error` is the specific error this input must produce.
    func matches(_ error: (any Error)?, model: String) -> Bool {
        let weights = (model as NSString).appendingPathComponent("model.safetensors")
        let m = Self.model
        switch (self, error) {
        case let (.truncatedData, SafeTensorsError.dataOutOfBounds(path, _, _, end, dataSize, _)?):
            return path == weights && end > dataSize
        case let (.truncatedToFiveBytes, SafeTensorsError.fileTooShort(path, size)?):
            return path == weights && size == 5
        case let (.headerLengthPastEnd, SafeTensorsError.headerLargerThanFile(path, length, size)?):
            return path == weights && length == UInt64(size)
        case let (.overlappingOffsets, SafeTensorsError.overlappingTensors(path, first, second, _)?):
            return path == weights && first == "model.embed_tokens.weight" && second == "model.layers.0.input_layernorm.weight"
        case let (.byteCountMismatch, SafeTensorsError.byteCountMismatch(path, tensor, expected, actual, _)?):
            let size = m.tensors().first { $0.name == "model.norm.weight" }?.dtype.byteSize ?? 0
            return path == weights && tensor == "model.norm.weight" && expected == size * (m.hidden + 1)
                && actual == size * m.hidden
        case let (.headerNotJSON, SafeTensorsError.headerNotJSON(path, offset, _)?):
            return path == weights && offset >= 8
        case let (.unknownDType, SafeTensorsError.unknownDType(path, tensor, dtype, _)?):
            return path == weights && tensor == "model.norm.weight" && dtype == "F7"
        case let (.noSafeTensorsFiles, SafeTensorsError.noSafeTensorsFiles(directory)?):
            return directory == model
        case let (.configNotJSON, ModelsError.invalidJSON(path, _)?):
            return path.hasSuffix("/config.json")
        case let (.configMissingHiddenSize, ModelsError.invalidConfig(_, key, _)?):
            return key == "hidden_size"
        case let (.configMissing, ConversionError.missingConfig(path)?):
            return path == model
        case let (.unsupportedArchitecture, ModelsError.unsupportedArchitecture(_, found, supported)?):
            return found == ["GPT2LMHeadModel"] && supported.contains("LlamaForCausalLM")
        case let (.generationConfigNotJSON, ModelsError.invalidJSON(path, _)?):
            return path.hasSuffix("/generation_config.json")
        case let (.missingShard, SafeTensorsError.missingShard(path, _, _)?):
            return path.hasSuffix("/model-00002-of-00002.safetensors")
        case let (.tensorInWrongShard, SafeTensorsError.tensorMissingFromShard(tensor, shard, _)?):
            return tensor == "model.norm.weight" && shard.hasSuffix("/model-00001-of-00002.safetensors")
        case let (.missingLayerTensor, ConversionError.missingTensor(tensor, directory)?):
            return tensor == "model.layers.1.mlp.up_proj.weight" && directory == model
        case let (.missingEmbedding, ConversionError.missingTensor(tensor, _)?):
            return tensor == "model.embed_tokens.weight"
        case let (.wrongShape, ConversionError.shapeMismatch(tensor, file, expected, found)?):
            return tensor == "model.layers.0.self_attn.k_proj.weight" && file == weights
                && expected == [m.kvRows, m.hidden] && found == [2 * m.kvRows, m.hidden]
        case let (.wrongBiasShape, ConversionError.shapeMismatch(tensor, file, expected, found)?):
            return tensor == "model.layers.0.self_attn.v_proj.bias" && file == weights
                && expected == [m.kvRows] && found == [m.kvRows + 1]
        case let (.rowsNotSplittableIntoHeads, ConversionError.invalidRowPermutation(tensor, rows, heads)?):
            return tensor == "model.layers.0.self_attn.q_proj.weight" && rows == m.qRows - 2 && heads == m.heads
        case let (.i32Weight, ConversionError.unsupportedSourceDType(tensor, file, dtype)?):
            return tensor == "model.layers.0.mlp.down_proj.weight" && file == weights && dtype == "I32"
        case let (.unexpectedTensor, ModelsError.unexpectedTensor(name, architecture)?):
            return name == "model.layers.0.mlp.experts.0.w1.weight" && architecture == "llama"
        case let (.notADirectory, ConversionError.notADirectory(path)?):
            return path.hasSuffix("/config.json")
        case let (.noTokenizer, TokenizersError.missingTokenizerFiles(directory)?):
            return directory == model
        case let (.outputFolderMissing, GGUFError.fileSystem(path, _)?):
            return path.hasSuffix("/missing/model.gguf")
        default:
            return false
        }
    }
}

@Suite("bad input")
struct BadInputTests {
    @Test("each bad input fails with its specific error and leaves nothing in the output folder",
          arguments: BadInput.allCases)
    func badInput(_ input: BadInput) throws {
        let scratch = try TemporaryDirectory()
        let model = scratch.file("model")
        let out = try scratch.folder("out")
        try BadInput.model.write(to: model, sharded: input.sharded)
        var modelPath = model
        var output = (out as NSString).appendingPathComponent("model.gguf")
        try input.apply(model: model, modelPath: &modelPath, output: &output)

        let error = #expect(throws: (any Error).self) { try convert(modelPath, to: output) }
        #expect(input.matches(error, model: model), "\(input): got \(String(describing: error))")
        #expect(entries(of: out) == [], "no output and no hidden .partial file may remain")
        // The message is one line that names the problem, as the CLI prints it.
        if let error { #expect(!"\(error)".contains("\n")) }
    }

    @Test("NaN and infinity convert to float types without error", arguments: [FileType.f32, .f16, .bf16, .auto])
    func nonFiniteFloats(fileType: FileType) throws {
        let scratch = try TemporaryDirectory()
        let model = TinyModel.llama
        var tensors = model.tensors()
        let name = "model.layers.0.self_attn.q_proj.weight"
        let index = try #require(tensors.firstIndex { $0.name == name })
        var values = tensors[index].values
        let columns = tensors[index].columns
        values[5 * columns + 3] = .nan // source row 5
        values[6 * columns] = .infinity
        values[7 * columns + 1] = -.infinity
        tensors[index] = SourceTensor(name: name, dtype: .f32, shape: tensors[index].shape, values: values)
        try model.write(to: scratch.file("m"), tensors: tensors)
        try convert(scratch.file("m"), to: scratch.file("m.gguf"), type: fileType)

        let output = try #require(try GGUFFile(path: scratch.file("m.gguf")).values(of: "blk.0.attn_q.weight"))
        // Source rows 5, 6, 7 (second half of head 0, which has 8 rows) land at output rows 3, 5, 7.
        #expect(output[3 * columns + 3].isNaN)
        #expect(output[5 * columns] == .infinity)
        #expect(output[7 * columns + 1] == -.infinity)
        #expect(output.filter { !$0.isFinite }.count == 3)
    }
}
