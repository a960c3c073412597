import Foundation
import GGUF
import Inference
import Testing
import TestSupport

/// Always-run checks on small random models written in-test.
@Suite("Tiny random models")
struct TinyModelTests {
    static let tokens: [Int32] = [1, 17, 5, 63, 0, 42, 42, 8, 30, 2, 11]

    /// Writes `spec` as GGUF and loads it.
    static func load(_ spec: TinyModelSpec, options: InferenceOptions = .exact(threads: 2))
        throws -> (TinyModel, LlamaModel, TemporaryDirectory) {
        let model = try TinyModel(spec)
        let folder = try TemporaryDirectory()
        let path = folder.file("tiny.gguf")
        try model.writeGGUF(to: path)
        return (model, try LlamaModel(ggufPath: path, options: options), folder)
    }

    static func allLogits(_ model: LlamaModel, _ sequences: [[Int32]]) throws -> [[[Float]]] {
        var result = sequences.map { Array(repeating: [Float](), count: $0.count) }
        let longest = sequences.map(\.count).max() ?? 0
        try model.evaluate(sequences: sequences, outputPositions: 0 ..< longest) { sequence, position, logits in
            result[sequence][position] = Array(logits)
        }
        return result
    }

    static let flavours: [(String, TinyModelSpec)] = {
        var llama = TinyModelSpec()
        llama.architecture = "llama"
        var qwen2 = TinyModelSpec()
        qwen2.architecture = "qwen2"
        qwen2.biases = true
        qwen2.tiedEmbeddings = true
        var qwen3 = TinyModelSpec()
        qwen3.architecture = "qwen3"
        qwen3.queryKeyNorm = true
        qwen3.ropeBase = 1_000_000
        var perLayer = TinyModelSpec()
        perLayer.heads = [4, 2, 6]
        perLayer.kvHeads = [2, 1, 6]
        perLayer.ffn = [48, 40, 56]
        perLayer.perLayerArrays = true
        return [("llama", llama), ("qwen2 biases, tied head", qwen2), ("qwen3 q/k norm", qwen3),
                ("per-layer head counts", perLayer)]
    }()

    @Test("logits match a plain Double forward pass", arguments: 0 ..< flavours.count)
    func matchesReference(flavour: Int) throws {
        let (tiny, model, _) = try Self.load(Self.flavours[flavour].1)
        let expected = tiny.referenceLogits(Self.tokens)
        let logits = try Self.allLogits(model, [Self.tokens])[0]
        for position in Self.tokens.indices {
            let difference = maxAbsDifference(logits[position], expected[position])
            #expect(difference < 1e-4, "\(Self.flavours[flavour].0): position \(position) differs by \(difference)")
        }
    }

    @Test("quantized weights decode to what the reference sees", arguments: [GGMLType.q8_0, .q4_0, .f16])
    func quantizedWeights(type: GGMLType) throws {
        var spec = TinyModelSpec()
        spec.weightType = type
        spec.ffn = [64, 64]  // block formats need rows that are multiples of 32
        let (tiny, model, _) = try Self.load(spec)
        let expected = tiny.referenceLogits(Self.tokens)
        let logits = try Self.allLogits(model, [Self.tokens])[0]
        #expect(maxAbsDifference(logits.joined(), expected.joined()) < 1e-4)
    }

    @Test("KV-cache decoding gives the batch logits, token by token and in chunks")
    func sessionMatchesEvaluate() throws {
        let (_, model, _) = try Self.load(TinyModelSpec())
        let batch = try Self.allLogits(model, [Self.tokens])[0]
        let session = model.makeSession(maxTokens: 32)
        for (position, token) in Self.tokens.enumerated() {
            let logits = try session.append(tokens: [token])
            #expect(maxAbsDifference(logits, batch[position]) < 1e-5, "position \(position)")
        }
        #expect(session.position == Self.tokens.count)

        session.reset()
        var consumed = 0
        for chunk in [3, 1, 5, 2] {
            let logits = try session.append(tokens: Array(Self.tokens[consumed ..< consumed + chunk]))
            consumed += chunk
            #expect(maxAbsDifference(logits, batch[consumed - 1]) < 1e-5, "after \(consumed) tokens")
        }
        try session.rewind(to: 4)
        let again = try session.append(tokens: [Self.tokens[4]])
        #expect(maxAbsDifference(again, batch[4]) < 1e-5)
    }

    @Test("sequences evaluated together equal each evaluated alone")
    func batchEqualsSingles() throws {
        let (_, model, _) = try Self.load(TinyModelSpec())
        let second: [Int32] = [3, 9, 27, 81 % 64, 50]
        let together = try Self.allLogits(model, [Self.tokens, second])
        let first = try Self.allLogits(model, [Self.tokens])[0]
        let alone = try Self.allLogits(model, [second])[0]
        #expect(maxAbsDifference(together[0].joined(), first.joined()) < 1e-5)
        #expect(maxAbsDifference(together[1].joined(), alone.joined()) < 1e-5)
    }

    @Test("only the requested positions are reported, in order")
    func outputPositions() throws {
        let (_, model, _) = try Self.load(TinyModelSpec())
        let all = try Self.allLogits(model, [Self.tokens, [4, 5, 6]])
        var seen: [(Int, Int)] = []
        try model.evaluate(sequences: [Self.tokens, [4, 5, 6]], outputPositions: 2 ..< 6) { sequence, position, logits in
            seen.append((sequence, position))
            #expect(maxAbsDifference(logits, all[sequence][position]) < 1e-5)
        }
        #expect(seen.map { "\($0.0):\($0.1)" } == ["0:2", "0:3", "0:4", "0:5", "1:2"])
    }

    @Test("one and two threads give identical logits")
    func threadCountInvariance() throws {
        // Big enough that every product is cut into several tiles.
        var spec = TinyModelSpec()
        spec.hidden = 64
        spec.headDim = 16
        spec.ffn = [256, 256]
        spec.vocab = 512
        var random = SplitMix64(seed: 99)
        let sequences = [300, 77].map { count in (0 ..< count).map { _ in Int32(random.next() % 512) } }
        let (_, one, _) = try Self.load(spec, options: .exact(threads: 1))
        let (_, two, _) = try Self.load(spec, options: .exact(threads: 2))
        #expect(try Self.allLogits(one, sequences) == Self.allLogits(two, sequences))
        let sessions = [one.makeSession(maxTokens: 16), two.makeSession(maxTokens: 16)]
        for token in sequences[1].prefix(16) {
            #expect(try sessions[0].append(tokens: [token]) == sessions[1].append(tokens: [token]))
        }
    }

    @Test("streaming weights without a cache matches cached weights")
    func streamingMatchesCache() throws {
        var spec = TinyModelSpec()
        spec.weightType = .q8_0
        spec.ffn = [64, 64]
        let (_, cached, _) = try Self.load(spec)
        let (_, streamed, _) = try Self.load(spec, options: .exact(threads: 2, weightCacheBytes: 0))
        let sequences = [Self.tokens]
        let reference = try Self.allLogits(cached, sequences)
        // Twice: the second batch must reuse the cache and still agree.
        #expect(try Self.allLogits(cached, sequences) == reference)
        #expect(maxAbsDifference(try Self.allLogits(streamed, sequences)[0].joined(), reference[0].joined()) < 1e-5)
    }

    @Test("a missing tensor is reported by name")
    func missingTensor() throws {
        var spec = TinyModelSpec()
        spec.omitted = ["blk.1.ffn_up.weight"]
        #expect {
            _ = try Self.load(spec)
        } throws: { error in
            guard case let .missingTensor(name, _) = error as? InferenceError else { return false }
            return name == "blk.1.ffn_up.weight"
        }
    }

    @Test("qwen3's Q/K norms are required: its descriptor lists them as a feature")
    func queryKeyNormRequired() throws {
        var spec = TinyModelSpec()
        spec.architecture = "qwen3"
        spec.queryKeyNorm = true
        spec.omitted = ["blk.0.attn_k_norm.weight"]
        #expect {
            _ = try Self.load(spec)
        } throws: { error in
            guard case let .missingTensor(name, _) = error as? InferenceError else { return false }
            return name == "blk.0.attn_k_norm.weight"
        }
    }

    @Test("a tensor of the wrong shape is rejected")
    func wrongShape() throws {
        var spec = TinyModelSpec()
        spec.heads = [4, 4]
        let tiny = try TinyModel(spec)
        let folder = try TemporaryDirectory()
        let path = folder.file("bad.gguf")
        try tiny.writeGGUF(to: path)
        var metadata = try GGUFFile(path: path).metadata
        metadata["llama.feed_forward_length"] = .uint32(40)
        let rewritten = folder.file("rewritten.gguf")
        let file = try GGUFFile(path: path)
        let writer = try GGUFWriter(path: rewritten, metadata: metadata, tensors: file.tensors.map {
            GGUFTensorDescriptor(name: $0.name, dimensions: $0.dimensions, type: $0.type)
        })
        for info in file.tensors { try writer.writeTensorData(file.data(for: info)) }
        try writer.finish()
        #expect {
            _ = try LlamaModel(ggufPath: rewritten)
        } throws: { error in
            guard case let .tensorShapeMismatch(name, _, _, _) = error as? InferenceError else { return false }
            return name == "blk.0.ffn_gate.weight"
        }
    }

    @Test("bad requests fail with specific errors")
    func requestErrors() throws {
        let (_, model, _) = try Self.load(TinyModelSpec())
        #expect(throws: InferenceError.tokenOutOfRange(token: 64, vocabularySize: 64, sequence: 1, position: 2)) {
            try model.evaluate(sequences: [[1, 2], [1, 2, 64]], outputPositions: 0 ..< 1) { _, _, _ in }
        }
        let session = model.makeSession(maxTokens: 4)
        _ = try session.append(tokens: [1, 2, 3])
        #expect(throws: InferenceError.contextFull(position: 3, adding: 2, capacity: 4)) {
            _ = try session.append(tokens: [4, 5])
        }
        #expect(session.position == 3)
        #expect(throws: InferenceError.self) { _ = try session.append(tokens: []) }
    }

    @Test("unsupported architectures are refused")
    func unsupportedArchitecture() throws {
        let tiny = try TinyModel(TinyModelSpec())
        let folder = try TemporaryDirectory()
        var metadata = tiny.metadata
        metadata["general.architecture"] = .string("gpt2")
        let path = folder.file("gpt2.gguf")
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: [])
        try writer.finish()
        #expect(throws: InferenceError.unsupportedArchitecture(name: "gpt2", source: path)) {
            _ = try LlamaModel(ggufPath: path)
        }
    }
}

@Suite("llama.cpp activation rounding")
struct ActivationRoundingTests {
    @Test("GGUF weights round activations like llama.cpp; F32 weights and .exact do not",
          arguments: [GGMLType.q8_0, .q4_0, .f16, .f32, .q4_K, .q6_K, .iq4_xs])
    func rounding(type: GGMLType) throws {
        var spec = TinyModelSpec()
        spec.weightType = type
        spec.ffn = [64, 64]
        if type.blockSize == 256 {
            // 256-wide rows everywhere, so the K-quant and IQ4_XS weights (and their Q8_K
            // activation rounding) are exercised rather than falling back.
            spec.hidden = 256
            spec.headDim = 64
            spec.ffn = [256, 256]
        }
        let sequences = [TinyModelTests.tokens]
        var llama = InferenceOptions(threads: 2)
        llama.activationPrecision = .llamaCpp
        let (_, rounded, _) = try TinyModelTests.load(spec, options: llama)
        let (_, exact, _) = try TinyModelTests.load(spec, options: .exact(threads: 2))
        let (_, automatic, _) = try TinyModelTests.load(spec, options: InferenceOptions(threads: 2))
        let a = try TinyModelTests.allLogits(rounded, sequences)[0]
        let b = try TinyModelTests.allLogits(exact, sequences)[0]
        let difference = maxAbsDifference(a.joined(), b.joined())
        if type == .f32 {
            #expect(difference == 0)
        } else {
            // Rounding 8-bit or half-precision activations moves logits a little, never a lot
            // (Q8_K shares one scale over 256 activations, so it moves them more than Q8_0).
            let largest = b.joined().map(abs).max() ?? 1
            #expect(difference > 0)
            #expect(difference < (type.blockSize == 256 ? 0.1 * largest : 0.2), "largest logit \(largest)")
        }
        #expect(try TinyModelTests.allLogits(automatic, sequences)[0] == a)
    }
}
