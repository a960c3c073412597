/// Standard GGUF metadata key names, as llama.cpp and gguf-py spell them.
///
/// Architecture-specific keys are functions of the architecture name, e.g.
/// `GGUFKey.contextLength("llama")` is `"llama.context_length"`.
public enum GGUFKey {
    // MARK: general.*

    public static let architecture = "general.architecture"
    public static let type = "general.type"
    public static let name = "general.name"
    public static let author = "general.author"
    public static let version = "general.version"
    public static let organization = "general.organization"
    public static let basename = "general.basename"
    public static let finetune = "general.finetune"
    public static let description = "general.description"
    public static let quantizedBy = "general.quantized_by"
    public static let sizeLabel = "general.size_label"
    public static let license = "general.license"
    public static let url = "general.url"
    public static let sourceURL = "general.source.url"
    public static let tags = "general.tags"
    public static let languages = "general.languages"
    /// A ``LlamaFileType`` raw value (uint32).
    public static let fileType = "general.file_type"
    /// Version of the quantization formats (uint32, currently 2 in ggml).
    public static let quantizationVersion = "general.quantization_version"
    /// Data alignment in bytes (uint32 power of two; 32 when absent).
    public static let alignment = "general.alignment"

    // MARK: tokenizer.*

    public static let tokenizerModel = "tokenizer.ggml.model"
    public static let tokenizerPre = "tokenizer.ggml.pre"
    public static let tokenizerTokens = "tokenizer.ggml.tokens"
    public static let tokenizerTokenType = "tokenizer.ggml.token_type"
    public static let tokenizerTokenTypeCount = "tokenizer.ggml.token_type_count"
    public static let tokenizerScores = "tokenizer.ggml.scores"
    public static let tokenizerMerges = "tokenizer.ggml.merges"
    public static let bosTokenID = "tokenizer.ggml.bos_token_id"
    public static let eosTokenID = "tokenizer.ggml.eos_token_id"
    public static let eotTokenID = "tokenizer.ggml.eot_token_id"
    public static let eomTokenID = "tokenizer.ggml.eom_token_id"
    public static let unknownTokenID = "tokenizer.ggml.unknown_token_id"
    /// Spelled "seperator" in llama.cpp; the misspelling is the real key.
    public static let separatorTokenID = "tokenizer.ggml.seperator_token_id"
    public static let paddingTokenID = "tokenizer.ggml.padding_token_id"
    public static let maskTokenID = "tokenizer.ggml.mask_token_id"
    public static let addBOSToken = "tokenizer.ggml.add_bos_token"
    public static let addEOSToken = "tokenizer.ggml.add_eos_token"
    public static let addSEPToken = "tokenizer.ggml.add_sep_token"
    public static let addSpacePrefix = "tokenizer.ggml.add_space_prefix"
    public static let removeExtraWhitespaces = "tokenizer.ggml.remove_extra_whitespaces"
    public static let precompiledCharsmap = "tokenizer.ggml.precompiled_charsmap"
    public static let chatTemplate = "tokenizer.chat_template"

    // MARK: <arch>.*

    public static func vocabSize(_ arch: String) -> String { "\(arch).vocab_size" }
    public static func contextLength(_ arch: String) -> String { "\(arch).context_length" }
    public static func embeddingLength(_ arch: String) -> String { "\(arch).embedding_length" }
    public static func blockCount(_ arch: String) -> String { "\(arch).block_count" }
    public static func feedForwardLength(_ arch: String) -> String { "\(arch).feed_forward_length" }
    public static func expertCount(_ arch: String) -> String { "\(arch).expert_count" }
    public static func expertUsedCount(_ arch: String) -> String { "\(arch).expert_used_count" }

    public static func ropeDimensionCount(_ arch: String) -> String { "\(arch).rope.dimension_count" }
    public static func ropeFreqBase(_ arch: String) -> String { "\(arch).rope.freq_base" }
    public static func ropeScalingType(_ arch: String) -> String { "\(arch).rope.scaling.type" }
    public static func ropeScalingFactor(_ arch: String) -> String { "\(arch).rope.scaling.factor" }
    public static func ropeScalingOriginalContextLength(_ arch: String) -> String {
        "\(arch).rope.scaling.original_context_length"
    }

    public static func attentionHeadCount(_ arch: String) -> String { "\(arch).attention.head_count" }
    public static func attentionHeadCountKV(_ arch: String) -> String { "\(arch).attention.head_count_kv" }
    public static func attentionLayerNormRMSEpsilon(_ arch: String) -> String {
        "\(arch).attention.layer_norm_rms_epsilon"
    }
    public static func attentionLayerNormEpsilon(_ arch: String) -> String { "\(arch).attention.layer_norm_epsilon" }
    public static func attentionKeyLength(_ arch: String) -> String { "\(arch).attention.key_length" }
    public static func attentionValueLength(_ arch: String) -> String { "\(arch).attention.value_length" }
    public static func attentionSlidingWindow(_ arch: String) -> String { "\(arch).attention.sliding_window" }
}
