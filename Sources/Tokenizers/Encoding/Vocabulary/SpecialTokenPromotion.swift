/// llama.cpp's load-time fixes to token attributes, made by token text because
/// converters do not always mark end-of-generation and fill-in-the-middle tokens as
/// CONTROL. They matter for encoding: only CONTROL, USER_DEFINED and UNKNOWN tokens are
/// split out of raw text.
enum SpecialTokenPromotion {
    /// Texts llama.cpp always treats as end-of-generation, and so as CONTROL.
    static let endOfGeneration: [String] = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// Fill-in-the-middle texts by the GGUF keys that, when present, make the text search
    /// unnecessary (llama.cpp marks the text match CONTROL only when the id is not given).
    static let fillInTheMiddle: [(keys: [String], texts: [String])] = [
        (["tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"],
         ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]),
        (["tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"],
         ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]),
        (["tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"],
         ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]),
        (["tokenizer.ggml.fim_pad_token_id"], ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]),
        (["tokenizer.ggml.fim_rep_token_id"], ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]),
        (["tokenizer.ggml.fim_sep_token_id"], ["<|file_sep|>"]),
    ]

    /// gpt-oss markers llama.cpp forces to USER_DEFINED so they always render.
    static let alwaysUserDefined: [String] = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]

    /// Applies the fixes to `attributes`. `hasValidID(key)` says whether the GGUF gives an
    /// in-range id for a key; `eosText` is the EOS token's text, if any.
    static func apply(to attributes: inout [TokenAttributes], texts: ByteStringTable,
                      hasValidID: (String) -> Bool, eosText: [UInt8]?) {
        func id(_ text: String) -> Int? {
            let found = texts.find(Array(text.utf8))
            return found >= 0 ? Int(found) : nil
        }
        for text in endOfGeneration {
            if let index = id(text) { attributes[index].insert(.control) }
        }
        for (keys, candidates) in fillInTheMiddle where !keys.contains(where: hasValidID) {
            for text in candidates {
                if let index = id(text) { attributes[index].insert(.control) }
            }
        }
        for text in alwaysUserDefined {
            if let index = id(text) { attributes[index] = .userDefined }
        }
        // o200k_harmony / solar-open: "<|end|>" is a turn separator there, not an end.
        if let end = id("<|end|>"), id("<|call|>") != nil || id("<|calls|>") != nil,
           id("<|return|>") != nil || id("<|flush|>") != nil {
            attributes[end] = .userDefined
        }
        // Gemma 4 and PLaMo 2 use "</s>" as an ordinary token.
        if let closing = id("</s>"), id("<|tool_response>") != nil || eosText == Array("<|plamo:eos|>".utf8) {
            attributes[closing] = .normal
        }
    }
}
