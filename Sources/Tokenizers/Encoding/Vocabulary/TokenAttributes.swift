/// llama.cpp's per-token attribute bits (`llama_token_attr`), the part encoding and
/// decoding look at. llama.cpp derives them from `tokenizer.ggml.token_type` and then
/// adjusts a few by token text (see ``SpecialTokenPromotion``).
struct TokenAttributes: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let unknown = TokenAttributes(rawValue: 1 << 0)
    static let unused = TokenAttributes(rawValue: 1 << 1)
    static let normal = TokenAttributes(rawValue: 1 << 2)
    static let control = TokenAttributes(rawValue: 1 << 3)
    static let userDefined = TokenAttributes(rawValue: 1 << 4)
    static let byte = TokenAttributes(rawValue: 1 << 5)

    /// Tokens that ``SpecialTokenPartition`` looks for in raw text.
    static let splitOut: TokenAttributes = [.control, .userDefined, .unknown]
    /// Tokens that are only split out (and only rendered) when special tokens are asked for.
    static let special: TokenAttributes = [.control, .unknown]

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The attributes llama.cpp gives a GGUF token type; a type it does not know is
    /// "undefined" (no bits), which renders as nothing and is never split out.
    init(tokenType: Int32) {
        switch GGUFTokenType(rawValue: tokenType) {
        case .normal: self = .normal
        case .unknown: self = .unknown
        case .control: self = .control
        case .userDefined: self = .userDefined
        case .unused: self = .unused
        case .byte: self = .byte
        case nil: self = []
        }
    }
}
