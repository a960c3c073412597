import Foundation
import GGUF
import Models
import Testing

@Suite("hyper-parameters read from GGUF metadata")
struct HyperParameterReadingTests {
    static let source = "/models/tiny.gguf"

    /// The metadata `convert` writes for a config, with `general.architecture`.
    static func metadata(_ config: [String: Any]) throws -> GGUFMetadata {
        let arch = try Configs.load(config)
        var m = arch.hyperParameters()
        m[GGUFKey.architecture] = .string(arch.ggufArchitecture)
        return m
    }

    static func read(_ metadata: GGUFMetadata) throws(ModelsError) -> ModelHyperParameters {
        try ModelHyperParameters(metadata: metadata, source: source)
    }

    @Test("a converted config reads back as the config's numbers", arguments: Configs.names)
    func fromConversion(name: String) throws {
        let config = Configs.config(named: name)
        let decoder = try Configs.load(config).decoder
        let hyper = try Self.read(Self.metadata(config))
        let layers = decoder.numHiddenLayers
        #expect(hyper.layerCount == layers)
        #expect(hyper.embeddingLength == decoder.hiddenSize)
        #expect(hyper.feedForwardLengths == Array(repeating: decoder.intermediateSize, count: layers))
        #expect(hyper.headCounts == Array(repeating: decoder.numAttentionHeads, count: layers))
        #expect(hyper.keyValueHeadCounts == Array(repeating: decoder.keyValueHeads, count: layers))
        #expect(hyper.keyLength == decoder.resolvedHeadDim)
        #expect(hyper.valueLength == decoder.resolvedHeadDim)
        #expect(hyper.ropeDimensionCount == decoder.resolvedHeadDim)
        #expect(hyper.ropeFreqBase == decoder.ropeTheta)
        #expect(hyper.rmsNormEpsilon == Float(decoder.rmsNormEps ?? 0))
        #expect(hyper.contextLength == decoder.maxPositionEmbeddings)
        #expect(hyper.vocabularySize == decoder.vocabSize)
        #expect(hyper.ropeScaling == .none)
        #expect(hyper.ropeStyle == ModelRegistry.descriptor(ggufName: hyper.architecture)?.ropeStyle)
    }

    @Test("a Hugging Face folder's hyper-parameters rotate halves: its Q/K rows are not permuted",
          arguments: Configs.names)
    func fromConfig(name: String) throws {
        let config = Configs.config(named: name)
        let arch = try Configs.load(config)
        var hyper = try ModelHyperParameters(architecture: arch, source: Configs.path)
        #expect(hyper.ropeStyle == .halves)
        hyper.ropeStyle = arch.descriptor.ropeStyle
        #expect(hyper == (try Self.read(Self.metadata(config))))
    }

    @Test("absent optional keys take llama.cpp's defaults")
    func defaults() throws {
        var m = GGUFMetadata()
        m[GGUFKey.architecture] = .string("qwen2")
        m["qwen2.block_count"] = .uint32(2)
        m["qwen2.embedding_length"] = .uint32(64)
        m["qwen2.feed_forward_length"] = .uint32(96)
        m["qwen2.attention.head_count"] = .uint32(4)
        m["qwen2.attention.layer_norm_rms_epsilon"] = .float32(1e-6)
        let hyper = try Self.read(m)
        #expect(hyper.keyValueHeadCounts == [4, 4])
        #expect(hyper.keyLength == 16)
        #expect(hyper.valueLength == 16)
        #expect(hyper.ropeDimensionCount == 16)
        #expect(hyper.ropeFreqBase == 10000)
        #expect(hyper.ropeScaling == .none)
        #expect(hyper.ropeScalingFactor == 1)
        #expect(hyper.contextLength == nil)
        #expect(hyper.vocabularySize == nil)
        #expect(hyper.ropeStyle == .halves)
    }

    @Test("per-layer arrays are read layer by layer")
    func perLayer() throws {
        var m = try Self.metadata(Configs.llamaGQA)
        m["llama.feed_forward_length"] = .array(.uint32, [.uint32(96), .uint32(128), .uint32(96)])
        m["llama.attention.head_count_kv"] = .array(.int32, [.int32(2), .int32(4), .int32(8)])
        let hyper = try Self.read(m)
        #expect(hyper.feedForwardLengths == [96, 128, 96])
        #expect(hyper.keyValueHeadCounts == [2, 4, 8])
    }

    @Test("linear and YaRN scaling read back as the config's rope_scaling", arguments: [
        RopeScaling(type: "linear", factor: 4),
        RopeScaling(type: "yarn", factor: 4, originalMaxPositionEmbeddings: 32768),
    ])
    func ropeScaling(scaling: RopeScaling) throws {
        var object: [String: Any] = ["rope_type": scaling.type, "factor": scaling.factor ?? 1]
        object["original_max_position_embeddings"] = scaling.originalMaxPositionEmbeddings
        let hyper = try Self.read(Self.metadata(Configs.with(Configs.qwen2, ["rope_scaling": object])))
        #expect(hyper.ropeScaling.rawValue == scaling.type)
        #expect(hyper.huggingFaceRopeScaling == scaling)
    }

    @Test("older files: a bare rope.scale_linear is linear scaling")
    func legacyLinear() throws {
        var m = try Self.metadata(Configs.llama)
        m["llama.rope.scale_linear"] = .float32(2)
        let hyper = try Self.read(m)
        #expect(hyper.ropeScaling == .linear)
        #expect(hyper.ropeScalingFactor == 2)
    }

    @Test("missing, mistyped and impossible values name their key", arguments: [
        ("llama.embedding_length", nil, "missing"),
        ("llama.attention.layer_norm_rms_epsilon", nil, "missing"),
        ("llama.block_count", GGUFValue.string("3"), "invalid"),
        ("llama.block_count", .uint32(0), "invalid"),
        ("llama.attention.head_count_kv", .uint32(3), "invalid"),
        ("llama.feed_forward_length", .array(.uint32, [.uint32(96)]), "invalid"),
        ("llama.rope.dimension_count", .uint32(17), "invalid"),
        ("llama.rope.scaling.type", .string("longrope"), "invalid"),
        ("llama.vocab_size", .uint64(1 << 40), "invalid"),
    ] as [(String, GGUFValue?, String)])
    func badValues(key: String, value: GGUFValue?, kind: String) throws {
        var m = try Self.metadata(Configs.llama)
        m[key] = value
        let error = #expect(throws: ModelsError.self) { _ = try Self.read(m) }
        switch (kind, error) {
        case let ("missing", .missingMetadata(source, found)?), let ("invalid", .invalidMetadata(source, found, _)?):
            #expect(found == key)
            #expect(source == Self.source)
        default:
            Issue.record("expected \(kind) for \(key), got \(String(describing: error))")
        }
    }

    @Test("YaRN without any original context length is refused")
    func yarnNeedsContext() throws {
        var m = try Self.metadata(Configs.with(Configs.llama, ["max_position_embeddings": NSNull()]))
        m["llama.rope.scaling.type"] = .string("yarn")
        m["llama.rope.scaling.factor"] = .float32(4)
        #expect(throws: ModelsError.invalidMetadata(source: Self.source, key: "llama.rope.scaling.original_context_length",
                                                    reason: "YaRN needs it")) {
            _ = try Self.read(m)
        }
    }

    @Test("an architecture without a descriptor is unsupported, listing the GGUF names")
    func unsupported() throws {
        var m = try Self.metadata(Configs.llama)
        m[GGUFKey.architecture] = .string("gpt2")
        #expect(throws: ModelsError.unsupportedArchitecture(path: Self.source, found: ["gpt2"],
                                                            supported: ModelRegistry.ggufNames)) {
            _ = try Self.read(m)
        }
    }
}

@Suite("GGUF metadata reader")
struct GGUFMetadataReaderTests {
    static func reader(_ entries: [(String, GGUFValue)]) -> GGUFMetadataReader {
        var m = GGUFMetadata()
        for (key, value) in entries { m[key] = value }
        return GGUFMetadataReader(metadata: m, source: "f.gguf")
    }

    @Test("integers of any width count; negatives and values past the limit do not")
    func counts() throws {
        let r = Self.reader([("a", .uint8(7)), ("b", .int64(-1)), ("c", .uint64(.max)), ("d", .float32(1))])
        #expect(try r.count("a") == 7)
        #expect(try r.optionalCount("missing") == nil)
        #expect(throws: ModelsError.invalidMetadata(source: "f.gguf", key: "b", reason: "-1 is outside 0...4294967295")) {
            _ = try r.count("b")
        }
        #expect(throws: ModelsError.self) { _ = try r.count("c") }
        #expect(throws: ModelsError.self) { _ = try r.count("d") }
        #expect(throws: ModelsError.missingMetadata(source: "f.gguf", key: "missing")) { _ = try r.count("missing") }
    }

    @Test("numbers narrow to Float exactly; arrays must be uniform")
    func numbersAndArrays() throws {
        let r = Self.reader([
            ("f", .float32(1e-5)), ("i", .uint32(3)), ("floats", .array(.float64, [.float64(0.5), .float64(2)])),
            ("mixed", .array(.string, [.string("x"), .uint32(1)])), ("strings", .strings(["a", "b"])),
        ])
        #expect(try r.optionalFloat("f") == Float(1e-5))
        #expect(try r.optionalFloat("i") == 3)
        #expect(try r.optionalFloats("floats") == [0.5, 2])
        #expect(try r.optionalStrings("strings") == ["a", "b"])
        #expect(throws: ModelsError.self) { _ = try r.optionalStrings("mixed") }
        #expect(throws: ModelsError.self) { _ = try r.optionalBool("f") }
    }
}
