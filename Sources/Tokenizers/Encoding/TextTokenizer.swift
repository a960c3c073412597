/// Turns text into the token ids llama.cpp produces for the same GGUF vocabulary
/// (`llama_tokenize`), and token ids back into text.
///
/// Make one with ``TokenizerFactory``. Conforming types are immutable values, safe to
/// share between tasks.
public protocol TextTokenizer: Sendable {
    /// Number of tokens; ids run from 0 to `vocabularySize - 1`.
    var vocabularySize: Int { get }
    /// The beginning-of-sequence token, after llama.cpp's defaults and the GGUF keys.
    var bosTokenID: Int32? { get }
    /// The end-of-sequence token.
    var eosTokenID: Int32? { get }
    /// Whether `encode(_:addSpecial:parseSpecial:)` with `addSpecial` puts BOS first.
    var addsBOS: Bool { get }
    /// Whether `encode(_:addSpecial:parseSpecial:)` with `addSpecial` puts EOS last.
    var addsEOS: Bool { get }
    /// Whether encoding puts a space before the text (SentencePiece's dummy prefix), which
    /// ``decode(_:)`` then removes again.
    var addsSpacePrefix: Bool { get }

    /// The ids for `text`.
    ///
    /// - Parameters:
    ///   - addSpecial: add BOS/EOS as the vocabulary asks (``addsBOS``, ``addsEOS``).
    ///   - parseSpecial: treat the text of CONTROL tokens (such as `<|im_start|>`) as those
    ///     tokens; when false such text is tokenized like any other. USER_DEFINED tokens
    ///     are matched either way, as in llama.cpp.
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) throws -> [Int32]

    /// The text of a token sequence: the tokens' bytes joined, read as UTF-8 with
    /// invalid sequences replaced by U+FFFD. CONTROL and UNKNOWN tokens (BOS, EOS, ...)
    /// contribute nothing, and with ``addsSpacePrefix`` the dummy leading space is dropped,
    /// so `decode(encode(text))` gives `text` back for ordinary text.
    func decode(_ tokens: [Int32]) -> String

    /// One token's text, special tokens included. A token holding part of a multi-byte
    /// character decodes to U+FFFD here; use ``IncrementalDecoder`` to stream text.
    func piece(_ token: Int32) -> String

    /// One token's bytes; with `special` false, CONTROL and UNKNOWN tokens give none
    /// (llama.cpp's `llama_token_to_piece`).
    func pieceBytes(_ token: Int32, special: Bool) -> [UInt8]
}

extension TextTokenizer {
    /// The ids for `text` as llama.cpp's `common_tokenize` gives them by default: BOS/EOS
    /// added as configured, special-token text not parsed.
    public func encode(_ text: String) throws -> [Int32] {
        try encode(text, addSpecial: true, parseSpecial: false)
    }

    public func decode(_ tokens: [Int32]) -> String {
        var decoder = IncrementalDecoder(tokenizer: self, renderSpecial: false, dropsSpacePrefix: addsSpacePrefix)
        var text = ""
        for token in tokens {
            text += decoder.append(token)
        }
        return text + decoder.finish()
    }

    public func piece(_ token: Int32) -> String {
        String(decoding: pieceBytes(token, special: true), as: UTF8.self)
    }
}
