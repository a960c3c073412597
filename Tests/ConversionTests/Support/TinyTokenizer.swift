import Foundation
import TestSupport

/// A minimal byte-level BPE tokenizer: `<unk>`, `<s>`, `</s>`, the letters, `Ġ`, and
/// merged pairs up to the vocabulary size.
enum TinyTokenizer {
    static func tokens(vocab: Int) -> [String] {
        var tokens = ["<unk>", "<s>", "</s>"] + "abcdefghijklmnopqrstuvwxyz".map(String.init) + ["Ġ"]
        var second = 0
        while tokens.count < vocab {
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            tokens.append("a" + String(letters[1 + second % 25]) + String(repeating: "z", count: second / 25))
            second += 1
        }
        return Array(tokens.prefix(vocab))
    }

    static func write(to directory: String, vocab: Int) throws {
        let tokens = tokens(vocab: vocab)
        var vocabulary: [String: Int] = [:]
        for (id, token) in tokens.enumerated() { vocabulary[token] = id }
        let merges = tokens.dropFirst(30).filter { $0.count == 2 }.map { "\($0.first!) \($0.last!)" }
        let tokenizer: [String: Any] = [
            "version": "1.0",
            "added_tokens": (0 ..< 3).map { id -> [String: Any] in
                ["id": id, "content": tokens[id], "special": true, "normalized": false,
                 "lstrip": false, "rstrip": false, "single_word": false]
            },
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true],
            "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "byte_fallback": false,
                      "vocab": vocabulary, "merges": merges] as [String: Any],
        ]
        try writeJSON(tokenizer, to: (directory as NSString).appendingPathComponent("tokenizer.json"))
        let config: [String: Any] = [
            "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
            "add_bos_token": true, "add_eos_token": false, "tokenizer_class": "PreTrainedTokenizerFast",
            "chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}",
        ]
        try writeJSON(config, to: (directory as NSString).appendingPathComponent("tokenizer_config.json"))
    }
}
