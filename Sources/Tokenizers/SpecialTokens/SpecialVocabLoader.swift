import FileSupport

/// Collects ``SpecialTokenSettings`` the way gguf-py's `SpecialVocab` does:
/// `tokenizer.json` (merges, normalizer, post-processor), then `tokenizer_config.json`
/// (chat template, add_*_token, *_token resolved through tokenizer.json's added tokens),
/// then `config.json` (`*_token_id`) for roles still missing.
struct SpecialVocabLoader {
    let folder: HFTokenizerFolder
    let loadMerges: Bool
    /// Ids at or past this are ignored with a warning; `nil` accepts any id.
    let vocabularySize: Int?
    let log: @Sendable (String) -> Void

    static let defaultRoles = ["bos", "eos", "unk", "sep", "pad", "cls", "mask"]

    /// Roles to look up; the post-processor may append "eot"/"eom".
    private var roles: [String]
    private var settings = SpecialTokenSettings()

    init(folder: HFTokenizerFolder, loadMerges: Bool, vocabularySize: Int?, roles: [String] = defaultRoles,
         log: @escaping @Sendable (String) -> Void) {
        self.folder = folder
        self.loadMerges = loadMerges
        self.vocabularySize = vocabularySize
        self.roles = roles
        self.log = log
    }

    /// Runs the three stages and returns what they found.
    mutating func load() throws(TokenizersError) -> SpecialTokenSettings {
        settings.mergesRequested = loadMerges
        try loadFromTokenizerJSON()
        try loadFromConfigJSON()
        if loadMerges && settings.merges.isEmpty {
            try loadMergesText()
        }
        return settings
    }

    /// Sets a role's id unless it is already set; ids past the vocabulary are skipped.
    mutating func setSpecialToken(_ role: String, _ value: JSONValue?, source: String, at jsonPath: String) throws(TokenizersError) {
        guard let id = value?.pythonInt else { return }
        // GGUF stores ids as uint32; gguf-py would fail while packing anything else.
        guard id >= 0, id <= Int(UInt32.max) else {
            throw .tokenIdOutOfRange(path: source, jsonPath: jsonPath, id: id, vocabSize: vocabularySize ?? Int(UInt32.max) + 1)
        }
        if let vocabularySize, id >= vocabularySize {
            log("warning: special token \(role) id \(id) is out of range (vocabulary size \(vocabularySize)), skipping")
            return
        }
        settings.ids.setDefault(role, id)
    }

    private mutating func loadFromTokenizerJSON() throws(TokenizersError) {
        var addedTokens: [JSONValue] = []
        let tokenizer = folder.tokenizerJSON
        if let tokenizer {
            if loadMerges, let merges = try tokenizer.merges() {
                settings.merges = merges
            }
            if let normalizer = tokenizer.root["normalizer"], normalizer.isTruthy {
                parseNormalizer(normalizer)
            }
            addedTokens = tokenizer.root["added_tokens"]?.arrayValue ?? []
        }

        var config = try folder.tokenizerConfigObject()
        if let tokenizer, tokenizer.root.count > 0 {
            var post = PostProcessorState(
                bos: config?["bos_token"] ?? .null, eos: config?["eos_token"] ?? .null,
                cls: config?["cls_token"] ?? .null, sep: config?["sep_token"] ?? .null)
            var configIsTruthy: Bool { (config?.count ?? 0) > 0 }
            if !post.bos.isTruthy, post.cls.isTruthy, configIsTruthy {
                post.bos = post.cls
                config?.set(post.cls, for: "bos_token")
            }
            if !post.eos.isTruthy, post.sep.isTruthy, configIsTruthy {
                post.eos = post.sep
                config?.set(post.sep, for: "eos_token")
            }
            if let processor = tokenizer.root["post_processor"], processor.isTruthy {
                let processors = processor.objectValue?["processors"]?.arrayValue ?? [processor]
                for item in processors {
                    PostProcessorRules.apply(item, state: &post, config: &config, roles: &roles,
                                             addFlags: &settings.addFlags, log: log)
                }
            }
        }

        guard let config, config.count > 0 else { return }
        try loadChatTemplate(config: config)
        for role in roles {
            if let addEntry = config["add_\(role)_token"]?.boolValue {
                if let existing = settings.addFlags[role] {
                    if existing != addEntry {
                        log("warning: tokenizer_config add_\(role)_token (\(addEntry)) disagrees with the post-processor (\(existing)); keeping the post-processor's")
                    }
                } else {
                    settings.addFlags.set(role, addEntry)
                }
            }
            let content: String
            switch config["\(role)_token"] {
            case let .string(text)?: content = text
            case let .object(object)?:
                guard let text = object["content"]?.stringValue else { continue }
                content = text
            default: continue
            }
            // Only tokenizer.json's added tokens are searched, first match wins.
            let match = addedTokens.firstIndex { $0.objectValue?["content"]?.stringValue?.isExactly(content) ?? false }
            try setSpecialToken(role, match.flatMap { addedTokens[$0].objectValue?["id"] },
                                source: folder.path("tokenizer.json"), at: "$.added_tokens[\(match ?? 0)].id")
        }
    }

    private mutating func loadFromConfigJSON() throws(TokenizersError) {
        guard let file = folder.config else { return }
        let config = try file.rootObject()
        let textConfig = config["text_config"]?.objectValue
        for role in roles {
            var value = config["\(role)_token_id"]
            var path = "$.\(role)_token_id"
            if value == nil || value == .null, let textConfig {
                value = textConfig["\(role)_token_id"]
                path = "$.text_config.\(role)_token_id"
            }
            try setSpecialToken(role, value, source: file.path, at: path)
        }
    }

    /// `merges.txt`: one "a b" pair a line, an optional leading "#" comment line.
    private mutating func loadMergesText() throws(TokenizersError) {
        let path = folder.path("merges.txt")
        guard HFTokenizerFolder.isFile(path) else { return }
        let text = try folder.readText(path)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let first = lines.first, first.trimmingWhitespace().hasPrefix("#") { lines.removeFirst() }
        var merges: [String] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            let parts = trimmed.split(whereSeparator: { $0.isWhitespace })
            guard parts.count == 2 else {
                log("warning: merges.txt line \(index + 1): malformed entry, ignoring")
                continue
            }
            merges.append("\(parts[0]) \(parts[1])")
        }
        settings.merges = merges
    }

    private mutating func loadChatTemplate(config: JSONObject) throws(TokenizersError) {
        let configPath = folder.path("tokenizer_config.json")
        var alternative: JSONValue = .null
        let jinjaPath = folder.path("chat_template.jinja")
        if HFTokenizerFolder.isFile(jinjaPath) {
            alternative = .string(try folder.readText(jinjaPath))
            let extra = folder.additionalChatTemplatePaths()
            if !extra.isEmpty, case let .string(main) = alternative {
                var list: [JSONValue] = [.object(JSONObject([("name", .string("default")), ("template", .string(main))]))]
                for path in extra {
                    let name = String(path.split(separator: "/").last?.dropLast(".jinja".count) ?? "")
                    list.append(.object(JSONObject([("name", .string(name)), ("template", .string(try folder.readText(path)))])))
                }
                alternative = .array(list)
            }
        } else if let file = try folder.load("chat_template.json") {
            alternative = try file.rootObject()["chat_template"] ?? .null
        }
        let value = config["chat_template"] ?? alternative
        switch value {
        case .null:
            settings.chatTemplate = nil
        case let .string(text):
            settings.chatTemplate = .single(text)
        case let .array(items):
            var named: [NamedChatTemplate] = []
            for (index, item) in items.enumerated() {
                let itemPath = jsonPath("$.chat_template", index)
                guard let object = item.objectValue else {
                    throw .unexpectedJSON(path: configPath, jsonPath: itemPath, expected: "an object with name and template",
                                          found: item.kindDescription)
                }
                let name = object["name"]?.stringValue ?? ""
                guard let template = object["template"], template != .null else { continue }
                guard let text = template.stringValue else {
                    throw .unexpectedJSON(path: configPath, jsonPath: jsonPath(itemPath, "template"), expected: "a string",
                                          found: template.kindDescription)
                }
                named.append(NamedChatTemplate(name: name, template: text))
            }
            settings.chatTemplate = .named(named)
        default:
            log("warning: \(configPath): chat_template is \(value.kindDescription), ignoring it")
        }
    }

    /// Lowercase / StripAccents / BertNormalizer flags, walking `Sequence` normalizers
    /// with an explicit stack in document order.
    private mutating func parseNormalizer(_ root: JSONValue) {
        var pending: [JSONValue] = [root]
        while let next = pending.popLast() {
            guard let normalizer = next.objectValue else { continue }
            switch normalizer["type"]?.stringValue {
            case "Lowercase"?:
                settings.normalizerLowercase = true
            case "StripAccents"?:
                settings.normalizerStripAccents = true
            case "BertNormalizer"?:
                // A present key always wins, so `"strip_accents": null` clears the flag.
                if let value = normalizer["lowercase"] { settings.normalizerLowercase = value.boolValue }
                if let value = normalizer["strip_accents"] { settings.normalizerStripAccents = value.boolValue }
            case "Sequence"?:
                pending.append(contentsOf: (normalizer["normalizers"]?.arrayValue ?? []).reversed())
            default:
                break
            }
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return self[endIndex...]
        }
        return self[first ... last]
    }
}
