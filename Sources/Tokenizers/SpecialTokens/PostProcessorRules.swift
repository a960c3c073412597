import FileSupport

/// The special-token strings gguf-py tracks while it reads a post-processor; they start
/// as tokenizer_config.json's values and the post-processor may fill them in.
struct PostProcessorState {
    var bos: JSONValue
    var eos: JSONValue
    var cls: JSONValue
    var sep: JSONValue
}

/// gguf-py's reading of `tokenizer.json`'s `post_processor`, which decides
/// `add_bos_token` / `add_eos_token` / `add_sep_token`.
///
/// `TemplateProcessing` is read crudely on purpose, exactly as gguf-py does: a special
/// token first in the `single` template means "add BOS", one last means "add EOS", and
/// the middle of the `pair` template decides "add SEP". A trailing special token that is
/// not the configured EOS becomes the EOS, with the old EOS kept as EOT (or EOM).
enum PostProcessorRules {
    static func apply(_ processorValue: JSONValue, state: inout PostProcessorState, config: inout JSONObject?,
                      roles: inout [String], addFlags: inout OrderedPairs<Bool>, log: (String) -> Void) {
        guard let processor = processorValue.objectValue else { return }
        let configIsTruthy = (config?.count ?? 0) > 0
        switch processor["type"]?.stringValue {
        case "ByteLevel"?:
            addFlags.setDefault("bos", false)
            addFlags.setDefault("eos", false)
        case "RobertaProcessing"?:
            addFlags.set("bos", true)
            addFlags.set("eos", true)
            addFlags.set("sep", true)
            if !state.cls.isTruthy, configIsTruthy {
                state.cls = processor["cls"]?.arrayValue?.first ?? state.bos
                config?.set(state.cls, for: "cls_token")
            }
            if !state.sep.isTruthy, configIsTruthy {
                state.sep = processor["sep"]?.arrayValue?.first ?? state.eos
                config?.set(state.sep, for: "sep_token")
            }
        case "TemplateProcessing"?:
            applyTemplate(processor, state: &state, config: &config, roles: &roles, addFlags: &addFlags, log: log)
        default:
            break
        }
    }

    /// `item["SpecialToken"]["id"]` when it is truthy, like gguf-py's walrus tests.
    private static func specialTokenID(_ item: JSONValue?) -> JSONValue? {
        guard let id = item?.objectValue?["SpecialToken"]?.objectValue?["id"], id.isTruthy else { return nil }
        return id
    }

    private static func sequenceID(_ item: JSONValue?) -> JSONValue? {
        item?.objectValue?["Sequence"]?.objectValue?["id"]
    }

    private static func describe(_ value: JSONValue?) -> String {
        value?.stringValue.map { String(reflecting: $0) } ?? value?.kindDescription ?? "None"
    }

    private static func applyTemplate(_ processor: JSONObject, state: inout PostProcessorState, config: inout JSONObject?,
                                      roles: inout [String], addFlags: inout OrderedPairs<Bool>, log: (String) -> Void) {
        let single = processor["single"]?.arrayValue ?? []
        var pair = processor["pair"]?.arrayValue ?? []
        var first: JSONValue? = nil
        var last: JSONValue? = nil
        if single.count > 1 {
            first = specialTokenID(single.first)
            if let first {
                if (config?.count ?? 0) == 0 {
                    state.bos = first
                } else if first != state.bos && first != state.cls {
                    if !state.bos.isTruthy {
                        state.bos = first
                        config?.set(first, for: "bos_token")
                    }
                    if !state.cls.isTruthy {
                        state.cls = first
                        config?.set(first, for: "cls_token")
                    }
                }
                let known = first == state.bos || first == state.cls
                addFlags.set("bos", known)
                if !known { log("warning: unknown leading special token \(describe(first)) in TemplateProcessing<single>") }
            }
            last = specialTokenID(single.last)
            if let last {
                if (config?.count ?? 0) == 0 {
                    state.eos = last
                } else if last != state.eos {
                    if !roles.contains("eot") {
                        roles.append("eot")
                        config?.set(state.eos, for: "eot_token")
                    } else if !roles.contains("eom") {
                        roles.append("eom")
                        config?.set(state.eos, for: "eom_token")
                    } else {
                        log("warning: overriding EOS token \(describe(state.eos)) with \(describe(last)) without an EOT/EOM fallback")
                    }
                    state.eos = last
                    config?.set(last, for: "eos_token")
                }
                addFlags.set("eos", last == state.eos)
            }
        }
        guard !pair.isEmpty else { return }
        let start = first != nil && specialTokenID(pair.first) == first ? 1 : 0
        let trimEnd = last != nil && specialTokenID(pair.last) == last
        if (first != nil && start == 0) || (last != nil && !trimEnd) {
            log("warning: TemplateProcessing<single> leading/trailing special tokens do not match TemplateProcessing<pair>")
        }
        let end = trimEnd ? pair.count - 1 : pair.count
        pair = start < end ? Array(pair[start ..< end]) : []
        guard !pair.isEmpty else { return }
        let sequenceA = sequenceID(pair.first)
        let sequenceB = sequenceID(pair.last)
        let isAB = sequenceA == .string("A") && sequenceB == .string("B")
        if !isAB {
            log("warning: unknown sequence \(describe(sequenceA))...\(describe(sequenceB)) in TemplateProcessing<pair>")
        }
        guard isAB, pair.count > 2 else { return }
        let middle = Array(pair[1 ..< pair.count - 1])
        var addSep = false
        if let entry = specialTokenID(middle[0]) {
            let isSeparator = entry == state.sep || entry == state.eos
            if isSeparator && last == nil { addSep = true }
            if !isSeparator { log("warning: unknown separator token \(describe(entry)) in TemplateProcessing<pair>") }
        } else {
            log("warning: unknown middle sequence in TemplateProcessing<pair>")
        }
        if middle.count == 2 {
            if let entry = specialTokenID(middle[1]) {
                let isSeparator = entry == state.sep || entry == state.eos
                if isSeparator { addSep = true }
                if !isSeparator { log("warning: unknown second separator token \(describe(entry)) in TemplateProcessing<pair>") }
            } else {
                log("warning: unknown second middle sequence in TemplateProcessing<pair>")
            }
        }
        addFlags.set("sep", addSep)
        if addSep, !state.sep.isTruthy, (config?.count ?? 0) > 0 {
            config?.set(state.eos, for: "sep_token")
        }
    }
}
