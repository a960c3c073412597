import Foundation
import GGUF
import Inference
import Testing
import TestSupport

/// Models loaded straight from a Hugging Face folder (unpermuted Q/K, half-split RoPE).
@Suite("Hugging Face folders")
struct HuggingFaceFolderTests {
    static let tokens: [Int32] = [1, 17, 5, 63, 0, 42, 42, 8, 30]

    static let flavours: [(String, TinyModelSpec)] = {
        var llama = TinyModelSpec()
        var llamaBF16 = TinyModelSpec()
        llamaBF16.weightType = .bf16
        llamaBF16.tiedEmbeddings = true
        var qwen2 = TinyModelSpec()
        qwen2.architecture = "qwen2"
        qwen2.biases = true
        var qwen3 = TinyModelSpec()
        qwen3.architecture = "qwen3"
        qwen3.queryKeyNorm = true
        llama.seed = 11
        return [("llama F32", llama), ("llama BF16 tied", llamaBF16), ("qwen2", qwen2), ("qwen3", qwen3)]
    }()

    @Test("a folder gives the reference logits and the same logits as its GGUF", arguments: 0 ..< flavours.count)
    func folderMatchesGGUF(flavour: Int) throws {
        let (name, spec) = Self.flavours[flavour]
        let tiny = try TinyModel(spec)
        let folder = try TemporaryDirectory()
        try tiny.writeHuggingFace(to: folder.path)
        try tiny.writeGGUF(to: folder.file("model.gguf"))
        let fromFolder = try LlamaModel(huggingFaceDirectory: folder.path, options: .exact(threads: 2))
        let fromGGUF = try LlamaModel(ggufPath: folder.file("model.gguf"), options: .exact(threads: 2))
        #expect(fromFolder.hyper.ropeStyle == .halves)
        #expect(fromGGUF.hyper.ropeStyle == (spec.architecture == "llama" ? .adjacentPairs : .halves))

        let expected = tiny.referenceLogits(Self.tokens)
        let folderLogits = try TinyModelTests.allLogits(fromFolder, [Self.tokens])[0]
        let ggufLogits = try TinyModelTests.allLogits(fromGGUF, [Self.tokens])[0]
        #expect(maxAbsDifference(folderLogits.joined(), expected.joined()) < 1e-4, "\(name) vs reference")
        #expect(maxAbsDifference(folderLogits.joined(), ggufLogits.joined()) < 1e-5, "\(name) folder vs GGUF")
    }

    @Test("a folder without a needed tensor is reported by GGUF name")
    func missingTensor() throws {
        var spec = TinyModelSpec()
        spec.omitted = ["blk.0.attn_v.weight"]
        let folder = try TemporaryDirectory()
        try TinyModel(spec).writeHuggingFace(to: folder.path)
        #expect(throws: InferenceError.missingTensor(name: "blk.0.attn_v.weight", source: folder.path)) {
            _ = try LlamaModel(huggingFaceDirectory: folder.path)
        }
    }
}
