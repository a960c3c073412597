import GGUF
import Models

/// A token's type as GGUF stores it (`tokenizer.ggml.token_type`); SentencePiece uses the same numbers.
enum TokenType: Int, Sendable {
    case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// The `tokenizer.*` metadata of a GGUF file, validated for rebuilding tokenizer files.
struct TokenizerMetadata {
    /// The largest vocabulary accepted (far above any real model).
    static let maximumTokens = 1 << 24

    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece).
    var model: String
    /// `tokenizer.ggml.pre`, for byte-level BPE.
    var pre: String?
    var tokens: [String]
    var types: [TokenType]
    var scores: [Float]?
    var merges: [String]
    /// Special token ids by role (`bos`, `eos`, `unk`, `pad`, `sep`, `mask`), only ids inside the vocabulary.
    var specialIDs: [String: Int]
    var addBOS: Bool?
    var addEOS: Bool?
    var addSpacePrefix: Bool?
    var removeExtraWhitespaces: Bool?
    var chatTemplate: String?
    var precompiledCharsmap: [UInt8]?

    /// Roles and their GGUF keys, in the order tokenizer configs list them.
    static let roles: [(role: String, key: String)] = [
        ("bos", GGUFKey.bosTokenID), ("eos", GGUFKey.eosTokenID), ("unk", GGUFKey.unknownTokenID),
        ("sep", GGUFKey.separatorTokenID), ("pad", GGUFKey.paddingTokenID), ("mask", GGUFKey.maskTokenID),
    ]

    /// Reads the tokenizer, or returns `nil` when the file has none (no `tokenizer.ggml.model`).
    /// Throws ``ExportError`` for values export cannot use, and the reader's ``ModelsError`` for
    /// values of the wrong type.
    static func read(_ reader: GGUFMetadataReader, log: (String) -> Void) throws -> TokenizerMetadata? {
        guard let model = try reader.optionalString(GGUFKey.tokenizerModel) else { return nil }
        guard let tokens = try reader.optionalStrings(GGUFKey.tokenizerTokens) else {
            throw ExportError.missingMetadata(path: reader.source, key: GGUFKey.tokenizerTokens)
        }
        guard !tokens.isEmpty, tokens.count <= maximumTokens else {
            throw ExportError.invalidMetadata(path: reader.source, key: GGUFKey.tokenizerTokens,
                                              reason: "\(tokens.count) tokens is outside 1...\(maximumTokens)")
        }
        let types = try readTypes(reader, count: tokens.count, log: log)
        let scores = try reader.optionalFloats(GGUFKey.tokenizerScores)
        if let scores, scores.count != tokens.count {
            throw ExportError.invalidMetadata(path: reader.source, key: GGUFKey.tokenizerScores,
                                              reason: "\(scores.count) scores for \(tokens.count) tokens")
        }
        var specialIDs: [String: Int] = [:]
        for (role, key) in roles {
            guard let id = try reader.optionalCount(key) else { continue }
            if id < tokens.count {
                specialIDs[role] = id
            } else {
                log("warning: \(key) = \(id) is past the vocabulary (\(tokens.count) tokens); leaving it out")
            }
        }
        let charsmap = try reader.optionalIntegers(GGUFKey.precompiledCharsmap)
        if let charsmap, charsmap.contains(where: { $0 < 0 || $0 > 255 }) {
            throw ExportError.invalidMetadata(path: reader.source, key: GGUFKey.precompiledCharsmap,
                                              reason: "values must be bytes")
        }
        return TokenizerMetadata(
            model: model,
            pre: try reader.optionalString(GGUFKey.tokenizerPre),
            tokens: tokens, types: types, scores: scores,
            merges: try reader.optionalStrings(GGUFKey.tokenizerMerges) ?? [],
            specialIDs: specialIDs,
            addBOS: try reader.optionalBool(GGUFKey.addBOSToken),
            addEOS: try reader.optionalBool(GGUFKey.addEOSToken),
            addSpacePrefix: try reader.optionalBool(GGUFKey.addSpacePrefix),
            removeExtraWhitespaces: try reader.optionalBool(GGUFKey.removeExtraWhitespaces),
            chatTemplate: try reader.optionalString(GGUFKey.chatTemplate),
            precompiledCharsmap: charsmap.map { $0.map { UInt8(truncatingIfNeeded: $0) } })
    }

    /// Types default to NORMAL when the key is absent, as llama.cpp assumes.
    private static func readTypes(_ reader: GGUFMetadataReader, count: Int, log: (String) -> Void) throws -> [TokenType] {
        guard let raw = try reader.optionalIntegers(GGUFKey.tokenizerTokenType) else {
            return [TokenType](repeating: .normal, count: count)
        }
        guard raw.count == count else {
            throw ExportError.invalidMetadata(path: reader.source, key: GGUFKey.tokenizerTokenType,
                                              reason: "\(raw.count) token types for \(count) tokens")
        }
        var unknownValues = 0
        let types = raw.map { value -> TokenType in
            if let type = TokenType(rawValue: value) { return type }
            unknownValues += 1
            return .normal
        }
        if unknownValues > 0 {
            log("warning: \(unknownValues) tokens have an unknown token type; writing them as normal tokens")
        }
        return types
    }

    /// The text of the token with `role`, if the role has an id.
    func text(_ role: String) -> String? {
        specialIDs[role].map { tokens[$0] }
    }
}
