import Conversion
import GGUF
import Testing

/// The per-tensor mixes, checked against what llama-quantize chooses for the same shapes
/// (`scripts/check-against-llama-quantize.sh` compares whole files).
@Suite("Per-tensor type policy")
struct TensorTypePolicyTests {
    /// A Llama-style model: 32 layers, multi-head attention, separate output head, 4096-wide rows.
    static let llama = ModelShapeInfo(layerCount: 32, gqaRatio: 1, tiedEmbeddings: false)
    /// A GQA model with tied embeddings and 576-wide rows (SmolLM2-135M's shape).
    static let smol = ModelShapeInfo(layerCount: 30, gqaRatio: 3, tiedEmbeddings: true)
    /// A GQA-4 model with 512-wide rows (multiples of 256: every K-quant applies).
    static let gqa4 = ModelShapeInfo(layerCount: 8, gqaRatio: 4, tiedEmbeddings: false)

    func type(_ file: FileType, _ model: ModelShapeInfo, _ name: String, _ dims: [Int]) -> GGMLType {
        TensorTypePolicy(fileType: file, model: model).decide(TensorRoleInfo(name: name, dimensions: dims), sourceType: .f32).type
    }

    @Test("vectors stay F32 in every file type", arguments: FileType.allCases)
    func vectors(file: FileType) {
        #expect(type(file, Self.llama, "blk.0.attn_norm.weight", [4096]) == .f32)
        #expect(type(file, Self.llama, "blk.0.attn_q.bias", [4096]) == .f32)
    }

    @Test("norm matrices and non-weights are never quantized")
    func notQuantized() {
        #expect(type(.q4_0, Self.llama, "blk.0.attn_q_norm.weight", [128, 32]) == .f32)
        #expect(!TensorTypePolicy.allowsQuantization(TensorRoleInfo(name: "blk.0.attn_q_norm.weight", dimensions: [128, 32])))
    }

    @Test("Llama-style Q4_K_M: output Q6_K, attn_v and ffn_down Q6_K in the more-bits layers, the rest Q4_K")
    func llamaQ4KM() {
        let dims = [4096, 4096]
        #expect(type(.q4_k_m, Self.llama, "output.weight", [4096, 32000]) == .q6_K)
        #expect(type(.q4_k_m, Self.llama, "token_embd.weight", [4096, 32000]) == .q4_K)
        // use_more_bits: first 4 layers, last 4, and every third in between (i - 4) % 3 == 2.
        let moreBits = Set([0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31])
        for layer in 0 ..< 32 {
            let expected: GGMLType = moreBits.contains(layer) ? .q6_K : .q4_K
            #expect(type(.q4_k_m, Self.llama, "blk.\(layer).attn_v.weight", dims) == expected)
            #expect(type(.q4_k_m, Self.llama, "blk.\(layer).ffn_down.weight", [11008, 4096]) == expected)
            #expect(type(.q4_k_m, Self.llama, "blk.\(layer).attn_q.weight", dims) == .q4_K)
            #expect(type(.q4_k_m, Self.llama, "blk.\(layer).ffn_up.weight", [4096, 11008]) == .q4_K)
        }
    }

    @Test("Q2_K: attn_v depends on the GQA ratio, ffn_down and attn_output get Q3_K")
    func q2K() {
        #expect(type(.q2_k, Self.llama, "blk.5.attn_v.weight", [4096, 4096]) == .q3_K)
        #expect(type(.q2_k, Self.gqa4, "blk.5.attn_v.weight", [512, 128]) == .q4_K)
        #expect(type(.q2_k, Self.gqa4, "blk.5.ffn_down.weight", [1536, 512]) == .q3_K)
        #expect(type(.q2_k, Self.gqa4, "blk.5.attn_output.weight", [512, 512]) == .q3_K)
        #expect(type(.q2_k, Self.gqa4, "blk.5.attn_q.weight", [512, 512]) == .q2_K)
    }

    @Test("Q3_K_M, Q3_K_L and Q4_K_S layer rules")
    func q3AndQ4S() {
        #expect(type(.q3_k_m, Self.gqa4, "blk.0.attn_v.weight", [512, 128]) == .q5_K)
        #expect(type(.q3_k_m, Self.gqa4, "blk.2.attn_v.weight", [512, 128]) == .q4_K)
        #expect(type(.q3_k_m, Self.gqa4, "blk.2.attn_output.weight", [512, 512]) == .q4_K)
        #expect(type(.q3_k_m, Self.llama, "blk.1.ffn_down.weight", [11008, 4096]) == .q5_K)
        #expect(type(.q3_k_m, Self.llama, "blk.2.ffn_down.weight", [11008, 4096]) == .q4_K)
        #expect(type(.q3_k_l, Self.gqa4, "blk.7.ffn_down.weight", [1536, 512]) == .q5_K)
        #expect(type(.q4_k_s, Self.llama, "blk.3.attn_v.weight", [4096, 4096]) == .q5_K)
        #expect(type(.q4_k_s, Self.llama, "blk.4.attn_v.weight", [4096, 4096]) == .q4_K)
        #expect(type(.q4_k_s, Self.llama, "blk.3.ffn_down.weight", [11008, 4096]) == .q5_K)
        #expect(type(.q4_k_s, Self.llama, "blk.4.ffn_down.weight", [11008, 4096]) == .q4_K)
    }

    @Test("576-wide rows fall back: Q4_K to Q5_0, Q6_K to Q8_0, Q2_K to Q4_0; tied embeddings get Q8_0")
    func smolFallbacks() {
        let policy = TensorTypePolicy(fileType: .q4_k_m, model: Self.smol)
        let q = policy.decide(TensorRoleInfo(name: "blk.10.attn_q.weight", dimensions: [576, 576]))
        #expect(q == .init(type: .q5_0, fallbackFrom: .q4_K))
        let v = policy.decide(TensorRoleInfo(name: "blk.0.attn_v.weight", dimensions: [576, 192]))
        #expect(v == .init(type: .q8_0, fallbackFrom: .q6_K))
        // ffn_down rows are 1536 wide (a multiple of 256), so the K-quant stays.
        #expect(type(.q4_k_m, Self.smol, "blk.10.ffn_down.weight", [1536, 576]) == .q4_K)
        #expect(type(.q4_k_m, Self.smol, "token_embd.weight", [576, 49152]) == .q8_0)
        #expect(type(.q2_k, Self.smol, "blk.10.attn_q.weight", [576, 576]) == .q4_0)
        #expect(type(.q4_0, Self.smol, "token_embd.weight", [576, 49152]) == .q8_0)
    }

    @Test("rows that even 32 does not divide become F16")
    func f16Fallback() {
        let decision = TensorTypePolicy.compatible(.q4_K, rowLength: 100)
        #expect(decision == .init(type: .f16, fallbackFrom: .q4_K))
        #expect(TensorTypePolicy.compatible(.q8_0, rowLength: 48) == .init(type: .f16, fallbackFrom: .q8_0))
    }

    @Test("--pure applies the base type everywhere (fallbacks still apply)")
    func pure() {
        var policy = TensorTypePolicy(fileType: .q4_k_m, model: Self.gqa4)
        policy.pure = true
        #expect(policy.decide(TensorRoleInfo(name: "output.weight", dimensions: [512, 512])).type == .q4_K)
        #expect(policy.decide(TensorRoleInfo(name: "blk.0.attn_v.weight", dimensions: [512, 128])).type == .q4_K)
    }

    @Test("--keep overrides by regex, first match wins, then falls back if the row needs it")
    func overrides() throws {
        var policy = TensorTypePolicy(fileType: .q4_0, model: Self.gqa4)
        policy.overrides = [try TensorTypeOverride(parsing: "attn_(q|k)=q8_0"), try TensorTypeOverride(parsing: "attn=f16"),
                            try TensorTypeOverride(parsing: "ffn_up=Q6_K")]
        #expect(policy.decide(TensorRoleInfo(name: "blk.1.attn_q.weight", dimensions: [512, 512])).type == .q8_0)
        #expect(policy.decide(TensorRoleInfo(name: "blk.1.attn_v.weight", dimensions: [512, 128])).type == .f16)
        #expect(policy.decide(TensorRoleInfo(name: "blk.1.ffn_up.weight", dimensions: [512, 1536])).type == .q6_K)
        #expect(policy.decide(TensorRoleInfo(name: "blk.1.ffn_up.weight", dimensions: [576, 1536]))
            == .init(type: .q8_0, fallbackFrom: .q6_K))
        #expect(throws: ConversionError.self) { try TensorTypeOverride(parsing: "attn_v") }
        #expect(throws: ConversionError.self) { try TensorTypeOverride(parsing: "attn_v=q9_9") }
        #expect(throws: ConversionError.self) { try TensorTypeOverride(parsing: "([=q8_0") }
    }

    @Test("file type names parse case-insensitively and map to llama.cpp's file type ids")
    func names() {
        #expect(FileType(name: "Q4_K_M") == .q4_k_m)
        #expect(FileType(name: "q4_k_m")?.llamaFileType.rawValue == 15)
        #expect(FileType(name: "q2_k")?.llamaFileType.rawValue == 10)
        #expect(FileType(name: "bf16")?.llamaFileType.rawValue == 32)
        #expect(FileType(name: "q7_0") == nil)
    }

    @Test("an 80-layer Llama gets Q5_K attn_v where the mix says Q3_K or Q4_K")
    func seventyB() {
        let model = ModelShapeInfo(architecture: "llama", layerCount: 80, headCount: 64, headCountKV: 8, tiedEmbeddings: false)
        #expect(model.is70BClass && model.gqaRatio == 8)
        #expect(type(.q4_k_s, model, "blk.50.attn_v.weight", [8192, 1024]) == .q5_K)
        #expect(type(.q3_k_s, model, "blk.50.attn_v.weight", [8192, 1024]) == .q5_K)
        #expect(type(.q2_k, model, "blk.50.attn_v.weight", [8192, 1024]) == .q5_K)
        #expect(type(.q4_k_m, model, "blk.0.attn_v.weight", [8192, 1024]) == .q6_K)
        #expect(type(.q4_0, model, "blk.50.attn_v.weight", [8192, 1024]) == .q4_0)
    }

    @Test("llama.cpp's 70B size class", arguments: [
        ("llama", 80, 64, 8, 0, true), ("llama", 80, 64, 64, 0, false), ("llama", 80, 64, 8, 8, false),
        ("llama", 40, 40, 8, 0, false), ("qwen2", 80, 64, 64, 0, true), ("qwen2", 80, 64, 8, 0, true),
        ("qwen2", 64, 40, 8, 0, false), ("qwen3", 80, 64, 8, 0, false), ("jais2", 68, 56, 8, 0, true),
    ] as [(String, Int, Int, Int, Int, Bool)])
    func sizeClass(arch: String, layers: Int, heads: Int, kvHeads: Int, experts: Int, is70B: Bool) {
        #expect(ModelShapeInfo.is70BSizeClass(architecture: arch, layerCount: layers, headCount: heads,
                                              headCountKV: kvHeads, expertCount: experts) == is70B)
    }

    @Test("the GQA ratio is llama.cpp's integer division, 0 without key/value heads")
    func gqaRatio() {
        #expect(ModelShapeInfo(architecture: "llama", layerCount: 30, headCount: 9, headCountKV: 3, tiedEmbeddings: true).gqaRatio == 3)
        #expect(ModelShapeInfo(architecture: "llama", layerCount: 2, headCount: 9, headCountKV: 4, tiedEmbeddings: true).gqaRatio == 2)
        #expect(ModelShapeInfo(architecture: "llama", layerCount: 2, headCount: 9, headCountKV: 0, tiedEmbeddings: true).gqaRatio == 0)
    }

    @Test("Q2_K_S: Q2_K base, Q4_K attn_v with GQA >= 4, Q4_K ffn_down in the first eighth, attn_output stays")
    func q2KS() {
        #expect(FileType(name: "Q2_K_S") == .q2_k_s && FileType.q2_k_s.llamaFileType.rawValue == 21)
        #expect(type(.q2_k_s, Self.gqa4, "blk.5.attn_v.weight", [512, 128]) == .q4_K)
        #expect(type(.q2_k_s, Self.llama, "blk.5.attn_v.weight", [4096, 4096]) == .q2_K)
        #expect(type(.q2_k_s, Self.llama, "blk.3.ffn_down.weight", [11008, 4096]) == .q4_K)
        #expect(type(.q2_k_s, Self.llama, "blk.4.ffn_down.weight", [11008, 4096]) == .q2_K)
        #expect(type(.q2_k_s, Self.llama, "blk.4.attn_output.weight", [4096, 4096]) == .q2_K)
        #expect(type(.q2_k_s, Self.llama, "output.weight", [4096, 32000]) == .q6_K)
    }

    @Test("Q2_K_S needs an importance matrix for its Q2_K tensors, but not for the embedding or head")
    func q2KSImportance() throws {
        let policy = TensorTypePolicy(fileType: .q2_k_s, model: Self.llama)
        let q = TensorRoleInfo(name: "blk.4.attn_q.weight", dimensions: [4096, 4096])
        #expect(policy.requiresImportanceMatrix(q, type: .q2_K))
        #expect(throws: ConversionError.importanceMatrixRequired(tensor: q.name, type: "q2_K")) {
            try policy.checkImportanceMatrix(q, type: .q2_K)
        }
        #expect("\(ConversionError.importanceMatrixRequired(tensor: q.name, type: "q2_K"))".contains("requires an importance matrix"))
        // A row that fell back, a non-Q2_K tensor, the embedding table: no matrix needed.
        #expect(!policy.requiresImportanceMatrix(q, type: .q4_0))
        #expect(!policy.requiresImportanceMatrix(TensorRoleInfo(name: "token_embd.weight", dimensions: [4096, 32000]), type: .q2_K))
        #expect(!TensorTypePolicy(fileType: .q2_k, model: Self.llama).requiresImportanceMatrix(q, type: .q2_K))
        var withMatrix = policy
        withMatrix.model.hasImportanceMatrix = true
        try withMatrix.checkImportanceMatrix(q, type: .q2_K)
        #expect(FileType.allCases.filter(\.mayRequireImportanceMatrix) == [.q2_k_s, .iq2_xxs, .iq2_xs, .iq2_s, .iq2_m, .iq3_xxs,
                                                                        .iq3_xs, .iq1_s, .iq1_m])
    }

    @Test("the lattice i-quants need an importance matrix, the embedding table and head excepted",
          arguments: [FileType.iq2_xxs, .iq2_xs, .iq2_s, .iq2_m, .iq3_xxs, .iq3_xs, .iq1_s, .iq1_m])
    func latticeImportance(fileType: FileType) throws {
        let policy = TensorTypePolicy(fileType: fileType, model: Self.llama)
        let q = TensorRoleInfo(name: "blk.4.attn_q.weight", dimensions: [4096, 4096])
        let type = policy.decide(q).type
        #expect([.iq2_xxs, .iq2_xs, .iq2_s, .iq3_xxs, .iq1_s, .iq1_m].contains(type))
        #expect(throws: ConversionError.importanceMatrixRequired(tensor: q.name, type: type.name)) {
            try policy.checkImportanceMatrix(q, type: type)
        }
        #expect("\(ConversionError.importanceMatrixRequired(tensor: q.name, type: type.name))".contains("--imatrix"))
        let embedding = TensorRoleInfo(name: "token_embd.weight", dimensions: [4096, 32000])
        #expect(!policy.requiresImportanceMatrix(embedding, type: policy.decide(embedding).type))
        // IQ3_S, IQ4_NL (the fallback of a short row) and the K-quants never need one.
        #expect(!policy.requiresImportanceMatrix(q, type: .iq3_s))
        #expect(!policy.requiresImportanceMatrix(q, type: .iq4_nl))
        #expect(TensorTypePolicy.compatible(type, rowLength: 576) == .init(type: .iq4_nl, fallbackFrom: type))
    }

    @Test("an importance matrix moves the first eighth of ffn_down from Q4_0/Q5_0 to Q4_1/Q5_1")
    func importanceFFNDown() {
        var model = Self.llama
        model.hasImportanceMatrix = true
        #expect(type(.q4_0, model, "blk.3.ffn_down.weight", [11008, 4096]) == .q4_1)
        #expect(type(.q4_0, model, "blk.4.ffn_down.weight", [11008, 4096]) == .q4_0)
        #expect(type(.q5_0, model, "blk.0.ffn_down.weight", [11008, 4096]) == .q5_1)
        #expect(type(.q4_0, Self.llama, "blk.0.ffn_down.weight", [11008, 4096]) == .q4_0)
    }

    @Test("--output-tensor-type and --token-embedding-type win over the mix, also for float file types")
    func explicitTypes() {
        var policy = TensorTypePolicy(fileType: .q4_k_m, model: Self.llama)
        policy.outputTensorType = .q8_0
        policy.tokenEmbeddingType = .q4_0
        #expect(policy.decide(TensorRoleInfo(name: "output.weight", dimensions: [4096, 32000])).type == .q8_0)
        #expect(policy.decide(TensorRoleInfo(name: "token_embd.weight", dimensions: [4096, 32000])).type == .q4_0)
        policy.fileType = .f16
        #expect(policy.decide(TensorRoleInfo(name: "output.weight", dimensions: [4096, 32000])).type == .q8_0)
        #expect(policy.decide(TensorRoleInfo(name: "blk.0.attn_q.weight", dimensions: [4096, 4096])).type == .f16)
        // Rows the explicit type cannot split fall back rather than fail.
        policy.outputTensorType = .q6_K
        #expect(policy.decide(TensorRoleInfo(name: "output.weight", dimensions: [576, 49152]))
            == .init(type: .q8_0, fallbackFrom: .q6_K))
    }

    @Test("tied embeddings: token_embd takes --output-tensor-type through the mix, --token-embedding-type directly")
    func tiedExplicitTypes() {
        var policy = TensorTypePolicy(fileType: .q4_k_m, model: ModelShapeInfo(layerCount: 8, gqaRatio: 4, tiedEmbeddings: true))
        let embedding = TensorRoleInfo(name: "token_embd.weight", dimensions: [512, 32000])
        #expect(policy.decide(embedding).type == .q6_K)
        policy.outputTensorType = .q8_0
        #expect(policy.decide(embedding).type == .q8_0)
        policy.pure = true
        #expect(policy.decide(embedding).type == .q4_K)
        policy.tokenEmbeddingType = .q5_0
        #expect(policy.decide(embedding).type == .q5_0)
    }

    @Test("--leave-output-tensor keeps output.weight's source type; a tied token_embd is still the head")
    func leaveOutput() {
        var policy = TensorTypePolicy(fileType: .q4_k_m, model: Self.llama)
        policy.leaveOutputTensor = true
        policy.outputTensorType = .q8_0
        let output = TensorRoleInfo(name: "output.weight", dimensions: [4096, 32000])
        #expect(policy.decide(output, sourceType: .bf16).type == .bf16)
        #expect(!policy.allowsQuantization(output) && TensorTypePolicy.allowsQuantization(output))
        policy.model = ModelShapeInfo(layerCount: 32, gqaRatio: 1, tiedEmbeddings: true)
        policy.outputTensorType = nil
        #expect(policy.decide(TensorRoleInfo(name: "token_embd.weight", dimensions: [4096, 32000]), sourceType: .f16).type == .q6_K)
    }

    @Test("llama-quantize's aliases: q3_k, q4_k and q5_k are the _m mixes")
    func aliases() {
        #expect(FileType(name: "Q4_K") == .q4_k_m)
        #expect(FileType(name: "q3_k") == .q3_k_m)
        #expect(FileType(name: "q5_K") == .q5_k_m)
    }

    @Test("explicit tensor types must be ones ggufkit writes")
    func writableTypes() throws {
        #expect(try TensorTypeOverride.writableType(named: "Q8_0", option: "--output-tensor-type") == .q8_0)
        #expect(try TensorTypeOverride.writableType(named: "q4_k", option: "--output-tensor-type") == .q4_K)
        #expect(try TensorTypeOverride.writableType(named: "iq2_xxs", option: "--output-tensor-type") == .iq2_xxs)
        #expect(try TensorTypeOverride.writableType(named: "iq1_m", option: "--output-tensor-type") == .iq1_m)
        #expect(throws: ConversionError.self) { try TensorTypeOverride.writableType(named: "tq1_0", option: "--output-tensor-type") }
        #expect(throws: ConversionError.self) { try TensorTypeOverride.writableType(named: "q4_k_m", option: "--output-tensor-type") }
    }
}

@Suite("llama-quantize's --override-kv and --include/--exclude-weights")
struct QuantizeOptionValueTests {
    @Test("KEY=TYPE:VALUE parses as llama.cpp does", arguments: [
        ("general.name=str:tiny model", MetadataOverride(key: "general.name", value: .string("tiny model"))),
        ("llama.context_length=int:4096", MetadataOverride(key: "llama.context_length", value: .int(4096))),
        ("a.b=float:0.5", MetadataOverride(key: "a.b", value: .float(0.5))),
        ("flag=bool:false", MetadataOverride(key: "flag", value: .bool(false))),
        ("eq=str:x=y:z", MetadataOverride(key: "eq", value: .string("x=y:z"))),
    ])
    func parses(text: String, expected: MetadataOverride) throws {
        #expect(try MetadataOverride(parsing: text) == expected)
    }

    @Test("malformed overrides are refused", arguments: [
        "no-equals", "=str:x", "k=text:x", "k=int:12abc", "k=float:", "k=bool:yes", "k=int",
        "k=str:" + String(repeating: "x", count: 128), String(repeating: "k", count: 128) + "=int:1",
    ])
    func refuses(text: String) {
        #expect(throws: ConversionError.self) { try MetadataOverride(parsing: text) }
    }

    @Test("values are written as llama-quantize writes them: integers as uint32, floats as float32")
    func metadataValues() throws {
        #expect(try MetadataOverride(parsing: "k=int:7").metadataValue() == .uint32(7))
        #expect(try MetadataOverride(parsing: "k=float:0.25").metadataValue() == .float32(0.25))
        #expect(try MetadataOverride(parsing: "k=bool:true").metadataValue() == .bool(true))
        #expect(throws: ConversionError.self) { try MetadataOverride(parsing: "k=int:-1").metadataValue() }
        #expect(throws: ConversionError.self) { try MetadataOverride(parsing: "k=int:4294967296").metadataValue() }
    }

    @Test("include and exclude match names by substring and cannot be combined")
    func importanceSelection() throws {
        #expect(try ImportanceSelection(include: [], exclude: []) == .all)
        let only = try ImportanceSelection(include: ["attn_v", "ffn_down"], exclude: [])
        #expect(only.uses("blk.3.attn_v.weight") && only.uses("blk.0.ffn_down.weight") && !only.uses("blk.0.attn_q.weight"))
        let except = try ImportanceSelection(include: [], exclude: ["blk.0."])
        #expect(!except.uses("blk.0.attn_q.weight") && except.uses("blk.10.attn_q.weight"))
        #expect(try ImportanceSelection(include: ["attn.v"], exclude: []).uses("blk.0.attn_v.weight") == false)
        #expect(throws: ConversionError.self) { try ImportanceSelection(include: ["a"], exclude: ["b"]) }
    }
}
