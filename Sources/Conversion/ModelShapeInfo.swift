import Models

/// The model facts llama.cpp's quantization mixes depend on.
public struct ModelShapeInfo: Sendable, Equatable {
    public var layerCount: Int
    /// Query heads per key/value head, as llama.cpp's `n_gqa()` computes it: integer division,
    /// 1 for multi-head attention, 0 when the key/value head count is 0.
    public var gqaRatio: Int
    /// Whether the file has no separate `output.weight` (the head reuses `token_embd`).
    public var tiedEmbeddings: Bool
    /// Whether llama.cpp classifies the model as its 70B size, which gives attn_v more bits.
    /// ``init(architecture:layerCount:headCount:headCountKV:expertCount:tiedEmbeddings:hasImportanceMatrix:)``
    /// sets it as llama.cpp's loader does.
    public var is70BClass: Bool
    /// Whether an importance matrix with at least one entry is used (llama-quantize's `--imatrix`
    /// after `--include-weights`/`--exclude-weights`): it changes the Q4_0/Q5_0 `ffn_down` rule.
    public var hasImportanceMatrix: Bool

    public init(layerCount: Int, gqaRatio: Int, tiedEmbeddings: Bool, is70BClass: Bool = false,
                hasImportanceMatrix: Bool = false) {
        self.layerCount = layerCount
        self.gqaRatio = gqaRatio
        self.tiedEmbeddings = tiedEmbeddings
        self.is70BClass = is70BClass
        self.hasImportanceMatrix = hasImportanceMatrix
    }

    /// The shape facts from the values a GGUF file or `config.json` holds.
    ///
    /// - Parameters:
    ///   - architecture: llama.cpp's architecture name (`general.architecture`: `llama`, `qwen2`, ...).
    ///   - layerCount: `block_count` / `num_hidden_layers`.
    ///   - headCount: query heads (`attention.head_count` / `num_attention_heads`).
    ///   - headCountKV: key/value heads (`attention.head_count_kv` / `num_key_value_heads`).
    ///   - expertCount: experts per MoE layer (`expert_count`), 0 for dense models.
    public init(architecture: String, layerCount: Int, headCount: Int, headCountKV: Int, expertCount: Int = 0,
                tiedEmbeddings: Bool, hasImportanceMatrix: Bool = false) {
        self.init(layerCount: max(layerCount, 0),
                  gqaRatio: headCountKV > 0 ? max(headCount, 0) / headCountKV : 0,
                  tiedEmbeddings: tiedEmbeddings,
                  is70BClass: Self.is70BSizeClass(architecture: architecture, layerCount: layerCount,
                                                  headCount: headCount, headCountKV: headCountKV,
                                                  expertCount: expertCount),
                  hasImportanceMatrix: hasImportanceMatrix)
    }

    /// llama.cpp's `LLM_TYPE_70B` as its loader sets it (`load_arch_hparams`), the only size
    /// class the quantization mixes look at. For `llama`, 80 layers are 70B only with grouped-query
    /// attention (LLaMA-1 65B has 80 layers of multi-head attention) and never for an 8-expert model.
    public static func is70BSizeClass(architecture: String, layerCount: Int, headCount: Int, headCountKV: Int,
                                      expertCount: Int = 0) -> Bool {
        ModelRegistry.sizeClass(architecture: architecture,
                                shape: ModelShape(layerCount: layerCount, headCount: headCount,
                                                  headCountKV: headCountKV, expertCount: expertCount)) == .b70
    }
}
