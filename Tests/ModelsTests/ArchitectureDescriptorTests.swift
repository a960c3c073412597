import Foundation
import GGUF
import Models
import Testing

@Suite("architecture descriptors")
struct ArchitectureDescriptorTests {
    /// A small GQA shape for every descriptor: 3 layers, 8 heads of 8 sharing 2 key/value heads.
    static func hyper(_ arch: String) -> ModelHyperParameters {
        ModelHyperParameters(architecture: arch, layerCount: 3, embeddingLength: 64, feedForwardLengths: [96, 96, 96],
                             headCounts: [8, 8, 8], keyValueHeadCounts: [2, 2, 2], keyLength: 8, valueLength: 8,
                             ropeDimensionCount: 8, ropeStyle: .halves, rmsNormEpsilon: 1e-5)
    }

    static func descriptor(_ arch: String) throws -> any ArchitectureDescriptor {
        try #require(ModelRegistry.descriptor(ggufName: arch))
    }

    @Test("GGUF and Hugging Face names are unique across the registry and found again by lookup")
    func registry() throws {
        #expect(Set(ModelRegistry.ggufNames).count == ModelRegistry.descriptors.count)
        #expect(Set(ModelRegistry.supportedNames).count == ModelRegistry.supportedNames.count)
        for descriptor in ModelRegistry.descriptors {
            #expect(ModelRegistry.descriptor(ggufName: descriptor.ggufName)?.ggufName == descriptor.ggufName)
            for name in descriptor.huggingFaceNames {
                #expect(ModelRegistry.descriptor(huggingFaceNames: ["Unknown", name])?.ggufName == descriptor.ggufName)
            }
        }
        #expect(ModelRegistry.descriptor(ggufName: "gpt2") == nil)
        #expect(ModelRegistry.descriptor(huggingFaceNames: ["GPT2LMHeadModel"]) == nil)
    }

    /// RoPE style, tokenizer recipe and features, as llama.cpp's loaders and converters have them.
    static let facts: [String: (rope: RopeStyle, recipe: VocabRecipe, features: ArchitectureFeatures)] = [
        "llama": (.adjacentPairs, .llama, [.attentionBiases, .outputProjectionBias, .ropeFrequencyFactors]),
        "qwen2": (.halves, .sentencePieceThenBPE, [.attentionBiases]),
        "qwen3": (.halves, .sentencePieceThenBPE, [.queryKeyNorms]),
        "deci": (.adjacentPairs, .llama, [.attentionBiases, .outputProjectionBias, .ropeFrequencyFactors]),
    ]

    @Test("each architecture's RoPE style, tokenizer recipe and features", arguments: ModelRegistry.ggufNames)
    func facts(arch: String) throws {
        let descriptor = try Self.descriptor(arch)
        let expected = try #require(Self.facts[arch])
        #expect(descriptor.ropeStyle == expected.rope)
        #expect(descriptor.permutesQueryKey == (expected.rope == .adjacentPairs))
        #expect(descriptor.tokenizerRecipe == expected.recipe)
        #expect(descriptor.features == expected.features)
        #expect(descriptor.derivedTensorNames
            == (expected.features.contains(.ropeFrequencyFactors) ? ["rope_freqs.weight"] : []))
    }

    @Test("Mistral converts as llama and exports as LlamaForCausalLM")
    func mistral() throws {
        let descriptor = try #require(ModelRegistry.descriptor(huggingFaceNames: ["MistralForCausalLM"]))
        #expect(descriptor.ggufName == "llama")
        #expect(descriptor.huggingFaceNames.first == "LlamaForCausalLM")
    }

    @Test("every table entry maps Hugging Face → GGUF → Hugging Face unchanged", arguments: ModelRegistry.ggufNames)
    func roundTrip(arch: String) throws {
        let descriptor = try Self.descriptor(arch)
        var names = Array(descriptor.globalTensors.keys)
        for layer in [0, 2] {
            names += descriptor.layerTensors.keys.map { "model.layers.\(layer).\($0)" }
        }
        for name in names {
            let forward = try #require(try descriptor.tensorNames(forHuggingFace: name, layerCount: 3), "\(name)")
            let back = try #require(descriptor.tensorNames(forGGUF: forward.ggufName, layerCount: 3), "\(name)")
            #expect(back == forward)
        }
    }

    @Test("the tensor table and the shape list name the same tensors", arguments: ModelRegistry.ggufNames)
    func tableMatchesShapes(arch: String) throws {
        let descriptor = try Self.descriptor(arch)
        let expected = Set(descriptor.expectedTensors(Self.hyper(arch), vocabularySize: 100).map(\.ggufName))
        var tabled = Set(descriptor.globalTensors.values).union(descriptor.derivedTensorNames)
        for layer in 0 ..< 3 {
            tabled.formUnion(descriptor.layerTensors.values.map { "blk.\(layer).\($0)" })
        }
        #expect(expected == tabled)
    }

    @Test("GGUF shapes follow the hyper-parameters (row length first)")
    func shapes() throws {
        var hyper = Self.hyper("qwen3")
        hyper.keyLength = 16
        hyper.valueLength = 16
        hyper.feedForwardLengths = [96, 128, 96]
        let tensors = try Self.descriptor("qwen3").expectedTensors(hyper, vocabularySize: 100)
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.ggufName, $0) })
        #expect(byName["token_embd.weight"] == ExpectedTensor(ggufName: "token_embd.weight", dimensions: [64, 100],
                                                              isRequired: true))
        #expect(byName["output.weight"]?.isRequired == false)
        #expect(byName["blk.1.attn_q.weight"]?.dimensions == [64, 128])
        #expect(byName["blk.1.attn_k.weight"]?.dimensions == [64, 32])
        #expect(byName["blk.1.attn_v.weight"]?.dimensions == [64, 32])
        #expect(byName["blk.1.attn_output.weight"]?.dimensions == [128, 64])
        #expect(byName["blk.1.attn_q_norm.weight"] == ExpectedTensor(ggufName: "blk.1.attn_q_norm.weight",
                                                                    dimensions: [16], isRequired: true))
        #expect(byName["blk.1.ffn_gate.weight"]?.dimensions == [64, 128])
        #expect(byName["blk.1.ffn_down.weight"]?.dimensions == [128, 64])
        #expect(byName["blk.0.ffn_down.weight"]?.dimensions == [96, 64])
        #expect(byName["blk.0.attn_q.bias"] == nil)
    }

    @Test("optional feature tensors are optional; llama's rope_freqs has half the rotated width")
    func optionalTensors() throws {
        let tensors = try Self.descriptor("llama").expectedTensors(Self.hyper("llama"), vocabularySize: 100)
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0.ggufName, $0) })
        #expect(byName["rope_freqs.weight"] == ExpectedTensor(ggufName: "rope_freqs.weight", dimensions: [4],
                                                              isRequired: false))
        #expect(byName["blk.2.attn_k.bias"] == ExpectedTensor(ggufName: "blk.2.attn_k.bias", dimensions: [16],
                                                              isRequired: false))
        #expect(byName["blk.2.attn_output.bias"]?.isRequired == false)
        #expect(byName["blk.2.attn_q_norm.weight"] == nil)
    }

    @Test("GGUF names with a malformed or out-of-range block index have no Hugging Face name")
    func strictGGUFNames() throws {
        let descriptor = try Self.descriptor("llama")
        for name in ["blk.01.attn_q.weight", "blk.+1.attn_q.weight", "blk.3.attn_q.weight", "blk..attn_q.weight",
                     "blk.0", "blk.0.attn_q_norm.weight", "rope_freqs.weight", "token_embd.bias"] {
            #expect(descriptor.tensorNames(forGGUF: name, layerCount: 3) == nil, "\(name)")
        }
        #expect(descriptor.tensorNames(forGGUF: "blk.10.ffn_up.weight", layerCount: 11)?.huggingFaceName
            == "model.layers.10.mlp.up_proj.weight")
    }

    @Test("Q/K rows are permuted only where llama.cpp rotates adjacent pairs", arguments: ModelRegistry.ggufNames)
    func permutations(arch: String) throws {
        let descriptor = try Self.descriptor(arch)
        let permutes = arch == "llama" || arch == "deci"
        for suffix in ["attn_q.weight", "attn_q.bias"] {
            let permutation = descriptor.rowPermutation(forGGUFSuffix: suffix, headCount: 8, keyValueHeadCount: 2)
            #expect(permutation == (permutes ? RowPermutation(heads: 8) : nil))
        }
        for suffix in ["attn_k.weight", "attn_k.bias"] {
            let permutation = descriptor.rowPermutation(forGGUFSuffix: suffix, headCount: 8, keyValueHeadCount: 2)
            #expect(permutation == (permutes ? RowPermutation(heads: 2) : nil))
        }
        #expect(descriptor.rowPermutation(forGGUFSuffix: "attn_v.weight", headCount: 8, keyValueHeadCount: 2) == nil)
    }

    @Test("llama.cpp's size classes", arguments: [
        ("llama", ModelShape(layerCount: 80, headCount: 64, headCountKV: 8), ModelSizeClass.b70),
        ("llama", ModelShape(layerCount: 80, headCount: 64, headCountKV: 64), .b65),
        ("llama", ModelShape(layerCount: 80, headCount: 64, headCountKV: 8, expertCount: 8), .unknown),
        ("llama", ModelShape(layerCount: 32, headCount: 32, headCountKV: 8, expertCount: 8), .moe8x7B),
        ("llama", ModelShape(layerCount: 32, headCount: 32, headCountKV: 32, vocabularySize: 32000), .b7),
        ("llama", ModelShape(layerCount: 32, headCount: 32, headCountKV: 8, vocabularySize: 128_256), .b8),
        ("llama", ModelShape(layerCount: 32, headCount: 32, headCountKV: 8, vocabularySize: 49152), .b3),
        ("llama", ModelShape(layerCount: 32, headCount: 32, headCountKV: 8), .unknown),
        ("llama", ModelShape(layerCount: 30, headCount: 9, headCountKV: 3), .m256),
        ("qwen2", ModelShape(layerCount: 80, headCount: 64, headCountKV: 8), .b70),
        ("qwen2", ModelShape(layerCount: 80, headCount: 64, headCountKV: 64), .b70),
        ("qwen2", ModelShape(layerCount: 24, embeddingLength: 896, headCount: 14, headCountKV: 2), .b1),
        ("qwen2", ModelShape(layerCount: 24, embeddingLength: 1024, headCount: 16, headCountKV: 16), .b0_5),
        ("qwen2", ModelShape(layerCount: 40, headCount: 20, headCountKV: 20), .b4),
        ("qwen3", ModelShape(layerCount: 80, headCount: 64, headCountKV: 8), .unknown),
        ("qwen3", ModelShape(layerCount: 28, embeddingLength: 1024, headCount: 16, headCountKV: 8), .b0_6),
        ("qwen3", ModelShape(layerCount: 36, embeddingLength: 4096, headCount: 32, headCountKV: 8), .b8),
        ("deci", ModelShape(layerCount: 80, headCount: 64, headCountKV: 8), .b70),
        ("olmo", ModelShape(layerCount: 80, headCount: 64, headCountKV: 64), .b70),
        ("jais2", ModelShape(layerCount: 68, headCount: 64, headCountKV: 64), .b70),
        ("jais2", ModelShape(layerCount: 80, headCount: 64, headCountKV: 64), .unknown),
        ("gpt2", ModelShape(layerCount: 80, headCount: 64, headCountKV: 8), .unknown),
    ])
    func sizeClasses(arch: String, shape: ModelShape, expected: ModelSizeClass) {
        #expect(ModelRegistry.sizeClass(architecture: arch, shape: shape) == expected)
    }

    @Test("export's config.json identity comes from the descriptor", arguments: [
        ("llama", "LlamaForCausalLM", "llama", "mlp_bias"),
        ("qwen2", "Qwen2ForCausalLM", "qwen2", "use_sliding_window"),
        ("qwen3", "Qwen3ForCausalLM", "qwen3", "use_sliding_window"),
    ])
    func exportIdentity(arch: String, hfClass: String, modelType: String, flag: String) throws {
        let descriptor = try Self.descriptor(arch)
        #expect(descriptor.huggingFaceNames.first == hfClass)
        #expect(descriptor.modelType == modelType)
        #expect(descriptor.huggingFaceConfigFlags.map(\.key) == [flag])
    }
}
