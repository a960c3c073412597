import Models

/// Which converter class's `set_vocab` to reproduce (each architecture's descriptor names one).
public typealias VocabRecipe = Models.VocabRecipe

/// Options for ``HFTokenizerLoader``.
public struct TokenizerMetadataOptions: Sendable {
    /// Receives progress notes and warnings (one line each, warnings start with "warning:").
    public var log: @Sendable (String) -> Void
    /// A `tokenizer.ggml.pre` value to write instead of the detected one.
    public var preTokenizerOverride: String?
    /// Which converter class to follow; `.llama` by default.
    public var recipe: VocabRecipe
    /// When no pad token is configured, use the EOS id as `padding_token_id` (llama.cpp's
    /// converter leaves the key out; ggufkit fills it so batched inference has a pad id).
    public var padWithEOSWhenMissing: Bool
    /// Encode llama.cpp's probe text with the result and log whether its digest is the one
    /// llama.cpp's converter names the detected pre-tokenizer by (``PreTokenizerProbe``).
    /// Off by default: it builds a tokenizer, which only a conversion needs to pay for.
    public var checksConverterDigest = false

    /// Options with a log sink; by default no override, the Llama recipe and the pad fallback.
    public init(log: @escaping @Sendable (String) -> Void = { _ in }, preTokenizerOverride: String? = nil,
                recipe: VocabRecipe = .llama, padWithEOSWhenMissing: Bool = true) {
        self.log = log
        self.preTokenizerOverride = preTokenizerOverride
        self.recipe = recipe
        self.padWithEOSWhenMissing = padWithEOSWhenMissing
    }
}
