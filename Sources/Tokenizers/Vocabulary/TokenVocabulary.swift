/// A token's type as GGUF stores it in `tokenizer.ggml.token_type` (gguf-py's `TokenType`).
public enum GGUFTokenType: Int32, Sendable, CaseIterable {
    case normal = 1
    case unknown = 2
    case control = 3
    case userDefined = 4
    case unused = 5
    case byte = 6
}

/// The vocabulary half of a tokenizer, laid out exactly as GGUF stores it: token `i`
/// of the model is `tokens[i]`, including `[PAD…]` fillers.
///
/// Kept separate from the metadata so a later encoder/decoder can use it directly.
public struct TokenVocabulary: Sendable, Equatable {
    /// `tokenizer.ggml.model`: which llama.cpp tokenizer family reads this vocabulary.
    public enum Model: String, Sendable {
        /// SentencePiece-style (scores, `▁` for spaces, byte fallback pieces).
        case llama
        /// Byte-level BPE with ranked merges.
        case gpt2
    }

    /// `tokenizer.ggml.model`.
    public var model: Model
    /// `tokenizer.ggml.tokens`: token text by id.
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`, one per token.
    public var tokenTypes: [GGUFTokenType]
    /// Per-token scores; present for `llama` vocabularies only.
    public var scores: [Float]?
    /// BPE merges as `"left right"`, in rank order; empty for `llama` vocabularies.
    public var merges: [String]

    /// A vocabulary from parallel per-token arrays.
    public init(model: Model, tokens: [String], tokenTypes: [GGUFTokenType], scores: [Float]? = nil, merges: [String] = []) {
        self.model = model
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.scores = scores
        self.merges = merges
    }

    /// Number of tokens (ids run from 0 to `count - 1`).
    public var count: Int { tokens.count }
}
