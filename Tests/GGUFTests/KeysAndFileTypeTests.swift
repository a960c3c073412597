import Foundation
import Testing
@testable import GGUF
import TestSupport

@Suite("Keys and file types")
struct KeysAndFileTypeTests {
    @Test("architecture keys are prefixed with the architecture name")
    func architectureKeys() {
        #expect(GGUFKey.contextLength("llama") == "llama.context_length")
        #expect(GGUFKey.attentionHeadCountKV("qwen2") == "qwen2.attention.head_count_kv")
        #expect(GGUFKey.attentionLayerNormRMSEpsilon("llama") == "llama.attention.layer_norm_rms_epsilon")
        #expect(GGUFKey.ropeScalingOriginalContextLength("llama") == "llama.rope.scaling.original_context_length")
        #expect(GGUFKey.ropeDimensionCount("llama") == "llama.rope.dimension_count")
        #expect(GGUFKey.separatorTokenID == "tokenizer.ggml.seperator_token_id")
    }

    @Test("file type ids match llama.h", arguments: [
        (LlamaFileType.allF32, UInt32(0)), (.mostlyF16, 1), (.mostlyQ4_0, 2), (.mostlyQ4_1, 3), (.mostlyQ8_0, 7),
        (.mostlyQ5_0, 8), (.mostlyQ5_1, 9), (.mostlyQ2_K, 10), (.mostlyQ3_K_S, 11), (.mostlyQ3_K_M, 12),
        (.mostlyQ3_K_L, 13), (.mostlyQ4_K_S, 14), (.mostlyQ4_K_M, 15), (.mostlyQ5_K_S, 16), (.mostlyQ5_K_M, 17),
        (.mostlyQ6_K, 18), (.mostlyBF16, 32),
    ])
    func fileTypeIDs(type: LlamaFileType, id: UInt32) {
        #expect(type.rawValue == id)
        #expect(type.metadataValue == .uint32(id))
    }

    @Test("file type names round-trip and match llama-quantize's spelling")
    func fileTypeNames() {
        #expect(LlamaFileType.mostlyQ4_K_M.name == "Q4_K_M")
        #expect(LlamaFileType.allF32.name == "F32")
        #expect(LlamaFileType(name: "q4_k_m") == .mostlyQ4_K_M)
        #expect(LlamaFileType(name: "nope") == nil)
        for type in LlamaFileType.allCases { #expect(LlamaFileType(name: type.name) == type) }
    }

    @Test("file types and ggml types agree with gguf-py",
          .enabled(ifAvailable: Python.withGGUF != nil, "python3 with the gguf package is not installed"))
    func agreeWithGGUFPy() throws {
        let python = try #require(Python.withGGUF)
        let script = """
        import json, gguf
        print(json.dumps({'ftypes': {m.name: m.value for m in gguf.LlamaFileType},
                          'qtypes': {m.name: [m.value] + list(gguf.GGML_QUANT_SIZES[m]) for m in gguf.GGMLQuantizationType}}))
        """
        let dump = try Python.json(python, script: script, arguments: [])
        let fileTypes = try #require(dump["ftypes"] as? [String: Int])
        for type in LlamaFileType.allCases {
            let pyName = type == .allF32 ? "ALL_F32" : type == .guessed ? "GUESSED" : "MOSTLY_\(type.name)"
            // gguf-py may lag llama.h by a type or two; only ids it knows are compared.
            if let id = fileTypes[pyName] { #expect(id == Int(type.rawValue), "\(pyName)") }
        }
        let quantTypes = try #require(dump["qtypes"] as? [String: [Int]])
        for type in GGMLType.allCases where type != .q8_1 { // gguf-py lists a stale size for Q8_1
            let entry = quantTypes[type.name.uppercased()]
            #expect(entry == [Int(type.rawValue), type.blockSize, type.bytesPerBlock], "\(type.name)")
        }
    }
}
