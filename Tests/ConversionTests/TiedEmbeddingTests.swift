import Conversion
import Foundation
import GGUF
import SafeTensors
import Testing
import TestSupport

@Suite("tied embeddings")
struct TiedEmbeddingTests {
    private func run(_ model: TinyModel, tensors: [SourceTensor]? = nil, type: FileType = .f16) throws -> (GGUFFile, LogLines) {
        let scratch = try TemporaryDirectory()
        try model.write(to: scratch.file("m"), tensors: tensors)
        let log = LogLines()
        try convert(scratch.file("m"), to: scratch.file("m.gguf"), type: type, log: log)
        return (try GGUFFile(path: scratch.file("m.gguf")), log)
    }

    @Test("lm_head identical to embed_tokens is left out, whatever the tie flag says", arguments: [false, true, nil])
    func identicalHead(tie: Bool?) throws {
        var model = TinyModel.llama
        model.head = .copyOfEmbedding
        model.tieWordEmbeddings = tie
        let (file, log) = try run(model)
        #expect(file.tensor(named: "output.weight") == nil)
        #expect(file.tensor(named: "token_embd.weight") != nil)
        #expect(file.tensors.count == model.specs.count - 1)
        if tie != true { #expect(log.contains("tied embeddings")) }
    }

    @Test("a different lm_head with tie_word_embeddings false is kept as output.weight")
    func distinctHeadKept() throws {
        var model = TinyModel.llama
        model.tieWordEmbeddings = false
        let (file, _) = try run(model)
        let head = try #require(model.tensors().first { $0.name == "lm_head.weight" })
        let info = try #require(file.tensor(named: "output.weight"))
        #expect(info.dimensions == [model.hidden, model.vocab])
        #expect(file.values(of: "output.weight") == head.values.map { Reference.float(halfBits: Reference.halfBits($0)) })
        #expect(file.values(of: "output.weight") != file.values(of: "token_embd.weight"))
    }

    @Test("a different lm_head with tie_word_embeddings true is ignored, as Transformers does")
    func distinctHeadTiedFlag() throws {
        var model = TinyModel.llama
        model.tieWordEmbeddings = true
        let (file, log) = try run(model)
        #expect(file.tensor(named: "output.weight") == nil)
        #expect(log.contains("tie_word_embeddings is set"))
    }

    @Test("no lm_head at all converts, with token_embd serving as the head", arguments: [false, true])
    func absentHead(tie: Bool) throws {
        var model = TinyModel.llama
        model.head = .absent
        model.tieWordEmbeddings = tie
        let (file, _) = try run(model)
        #expect(file.tensor(named: "output.weight") == nil)
        #expect(file.tensors.count == model.specs.count)
    }

    @Test("equal values in another dtype are not tied: only identical bytes are")
    func sameValuesOtherDType() throws {
        var model = TinyModel.llama
        model.tieWordEmbeddings = false
        var tensors = model.tensors()
        let embedding = try #require(tensors.first { $0.name == "model.embed_tokens.weight" })
        let index = try #require(tensors.firstIndex { $0.name == "lm_head.weight" })
        let otherDType: SafeTensorsDType = embedding.dtype == .f32 ? .bf16 : .f32
        tensors[index] = SourceTensor(name: "lm_head.weight", dtype: otherDType, shape: embedding.shape,
                                      values: embedding.values)
        // BF16: the embedding's probe values include 70000, which a BF16 head cannot be converted to F16 with.
        let (file, _) = try run(model, tensors: tensors, type: .bf16)
        #expect(file.tensor(named: "output.weight") != nil)
    }
}
