/// `tokenizer.json` and `tokenizer_config.json` for a byte-level BPE (`gpt2`) vocabulary.
///
/// Control and user-defined tokens become `added_tokens` (control ones special); `[PADn]`
/// fillers the converter inserted for unused ids are left out of the vocabulary so that
/// converting back recreates them. The pre-tokenizer follows `tokenizer.ggml.pre`.
struct BPETokenizerFiles {
    let tokenizer: TokenizerMetadata
    let contextLength: Int?
    let path: String
    let log: (String) -> Void

    func tokenizerJSON() throws -> JSONText {
        let template = PreTokenizerTemplates.template(for: tokenizer.pre)
        if !template.recognised {
            log("warning: tokenizer.ggml.pre \"\(tokenizer.pre ?? "")\" has no known tokenizer.json form; "
                + "writing llama.cpp's default regex chain")
        }
        return .object([
            ("version", .string("1.0")),
            ("truncation", .null),
            ("padding", .null),
            ("added_tokens", .array(addedTokens())),
            ("normalizer", .null),
            ("pre_tokenizer", template.preTokenizer),
            ("post_processor", postProcessor()),
            ("decoder", PreTokenizerTemplates.byteLevel(useRegex: true, addPrefixSpace: true)),
            ("model", .object([
                ("type", .string("BPE")),
                ("dropout", .null),
                ("unk_token", .null),
                ("continuing_subword_prefix", .null),
                ("end_of_word_suffix", .null),
                ("fuse_unk", .bool(false)),
                ("byte_fallback", .bool(false)),
                ("ignore_merges", .bool(template.ignoreMerges)),
                ("vocab", .object(vocabulary())),
                ("merges", .array(try merges())),
            ])),
        ])
    }

    func tokenizerConfig() -> JSONText {
        var members: [(String, JSONText)] = []
        if let flag = tokenizer.addBOS { members.append(("add_bos_token", .bool(flag))) }
        if let flag = tokenizer.addEOS { members.append(("add_eos_token", .bool(flag))) }
        if let flag = tokenizer.addSpacePrefix { members.append(("add_prefix_space", .bool(flag))) }
        var decoder: [(String, JSONText)] = []
        for (id, type) in tokenizer.types.enumerated() where type == .control || type == .userDefined {
            decoder.append((String(id), .object(SpecialTokenFields.addedTokenFields(
                content: tokenizer.tokens[id], normalized: type != .control, special: type == .control))))
        }
        members.append(("added_tokens_decoder", .object(decoder)))
        members += SpecialTokenFields.members(tokenizer, includeNulls: true)
        if let template = tokenizer.chatTemplate { members.append(("chat_template", .string(template))) }
        members.append(("clean_up_tokenization_spaces", .bool(false)))
        if let contextLength { members.append(("model_max_length", .int(contextLength))) }
        // GPT2Tokenizer ignores post-processor templates, so a tokenizer that adds BOS/EOS
        // must load as the generic fast tokenizer.
        let addsSpecials = tokenizer.addBOS == true || tokenizer.addEOS == true
        members.append(("tokenizer_class", .string(addsSpecials ? "PreTrainedTokenizerFast" : "GPT2Tokenizer")))
        return .object(members)
    }

    /// Control tokens are special and matched verbatim; user-defined ones are normalized
    /// text, so converting back does not byte-level-decode them a second time.
    private func addedTokens() -> [JSONText] {
        var added: [JSONText] = []
        for (id, type) in tokenizer.types.enumerated() where type == .control || type == .userDefined {
            added.append(.object([
                ("id", .int(id)),
                ("content", .string(tokenizer.tokens[id])),
                ("single_word", .bool(false)),
                ("lstrip", .bool(false)),
                ("rstrip", .bool(false)),
                ("normalized", .bool(type != .control)),
                ("special", .bool(type == .control)),
            ]))
        }
        return added
    }

    private func vocabulary() -> [(String, JSONText)] {
        var seen = Set<UTF8Key>()
        var entries: [(String, JSONText)] = []
        entries.reserveCapacity(tokenizer.tokens.count)
        var duplicates = 0
        for (id, token) in tokenizer.tokens.enumerated() {
            if tokenizer.types[id] == .unused, token == "[PAD\(id)]" { continue }
            guard seen.insert(UTF8Key(token)).inserted else {
                duplicates += 1
                continue
            }
            entries.append((token, .int(id)))
        }
        if duplicates > 0 {
            log("warning: \(duplicates) tokens repeat an earlier token's text; only the first of each is in the vocabulary")
        }
        return entries
    }

    /// `[left, right]` pairs, the form Transformers 4.45+ writes; GGUF joins them with one space.
    private func merges() throws -> [JSONText] {
        var pairs: [JSONText] = []
        pairs.reserveCapacity(tokenizer.merges.count)
        for (index, merge) in tokenizer.merges.enumerated() {
            guard let space = merge.utf8.firstIndex(of: UInt8(ascii: " ")) else {
                throw ExportError.invalidMetadata(path: path, key: "tokenizer.ggml.merges",
                                                  reason: "merge \(index) \(String(reflecting: merge)) has no space")
            }
            let left = String(decoding: merge.utf8[merge.utf8.startIndex ..< space], as: UTF8.self)
            let right = String(decoding: merge.utf8[merge.utf8.index(after: space)...], as: UTF8.self)
            pairs.append(.array([.string(left), .string(right)]))
        }
        return pairs
    }

    /// ByteLevel offsets handling, plus a template adding BOS/EOS when the GGUF says to.
    private func postProcessor() -> JSONText {
        let byteLevel = JSONText.object([
            ("type", .string("ByteLevel")),
            ("add_prefix_space", .bool(true)),
            ("trim_offsets", .bool(false)),
            ("use_regex", .bool(true)),
        ])
        let bos = tokenizer.addBOS == true ? tokenizer.specialIDs["bos"] : nil
        let eos = tokenizer.addEOS == true ? tokenizer.specialIDs["eos"] : nil
        guard bos != nil || eos != nil else { return byteLevel }
        func special(_ id: Int, typeID: Int) -> JSONText {
            .object([("SpecialToken", .object([("id", .string(tokenizer.tokens[id])), ("type_id", .int(typeID))]))])
        }
        func sequence(_ name: String, typeID: Int) -> JSONText {
            .object([("Sequence", .object([("id", .string(name)), ("type_id", .int(typeID))]))])
        }
        var single: [JSONText] = []
        var pair: [JSONText] = []
        var specials: [(String, JSONText)] = []
        var seen = Set<UTF8Key>()
        for id in [bos, eos].compactMap({ $0 }) where seen.insert(UTF8Key(tokenizer.tokens[id])).inserted {
            let text = tokenizer.tokens[id]
            specials.append((text, .object([("id", .string(text)), ("ids", .array([.int(id)])),
                                            ("tokens", .array([.string(text)]))])))
        }
        if let bos {
            single.append(special(bos, typeID: 0))
            pair.append(special(bos, typeID: 0))
        }
        single.append(sequence("A", typeID: 0))
        pair += [sequence("A", typeID: 0), sequence("B", typeID: 1)]
        if let eos {
            single.append(special(eos, typeID: 0))
            pair.append(special(eos, typeID: 1))
        }
        let template = JSONText.object([
            ("type", .string("TemplateProcessing")),
            ("single", .array(single)),
            ("pair", .array(pair)),
            ("special_tokens", .object(specials)),
        ])
        return .object([("type", .string("Sequence")), ("processors", .array([byteLevel, template]))])
    }
}
