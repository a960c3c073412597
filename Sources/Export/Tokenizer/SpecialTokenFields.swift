/// The special-token fields shared by `tokenizer_config.json` and `special_tokens_map.json`.
enum SpecialTokenFields {
    /// Roles every config names (null when absent), then those named only when present.
    static let alwaysNamed = ["bos", "eos", "unk", "pad"]
    static let namedWhenPresent = ["sep", "mask"]

    /// `bos_token` … `mask_token` members; `includeNulls` writes absent core roles as null,
    /// as Transformers itself saves them.
    static func members(_ tokenizer: TokenizerMetadata, includeNulls: Bool) -> [(String, JSONText)] {
        var members: [(String, JSONText)] = []
        for role in alwaysNamed {
            if let text = tokenizer.text(role) {
                members.append(("\(role)_token", .string(text)))
            } else if includeNulls {
                members.append(("\(role)_token", .null))
            }
        }
        for role in namedWhenPresent {
            if let text = tokenizer.text(role) { members.append(("\(role)_token", .string(text))) }
        }
        return members
    }

    /// `special_tokens_map.json`.
    static func specialTokensMap(_ tokenizer: TokenizerMetadata) -> JSONText {
        .object(members(tokenizer, includeNulls: false))
    }

    /// One `added_tokens_decoder` entry (the same fields `tokenizer.json`'s `added_tokens` use, minus the id).
    static func addedTokenFields(content: String, normalized: Bool, special: Bool) -> [(String, JSONText)] {
        [
            ("content", .string(content)),
            ("lstrip", .bool(false)),
            ("normalized", .bool(normalized)),
            ("rstrip", .bool(false)),
            ("single_word", .bool(false)),
            ("special", .bool(special)),
        ]
    }
}

/// A string compared and hashed by its UTF-8 bytes, as Python and JSON readers see it;
/// Swift's `String` equality would merge canonically equivalent but distinct tokens.
struct UTF8Key: Hashable {
    let bytes: [UInt8]
    init(_ text: String) { bytes = Array(text.utf8) }
}
