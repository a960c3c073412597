import GGUF
import Tokenizers

/// The traps that live in a file's metadata and tensor shapes: special token ids, the
/// BOS/chat-template agreement, the chat template, the pre-tokenizer, the embedding size.
public enum MetadataChecks {
    /// Every metadata finding for a file with this metadata and these tensors.
    public static func run(metadata: GGUFMetadata, tensors: [GGUFTensorInfo]) -> [CheckFinding] {
        let tokens = metadata[GGUFKey.tokenizerTokens]?.arrayValue?.compactMap(\.stringValue)
        var findings: [CheckFinding] = []
        findings += tokenIDs(metadata: metadata, vocabularySize: tokens?.count)
        findings += padToken(metadata: metadata, tokens: tokens)
        findings += chatTemplate(metadata: metadata, tokens: tokens)
        findings += preTokenizer(metadata: metadata)
        findings += embeddingRows(metadata: metadata, tensors: tensors, vocabularySize: tokens?.count)
        return findings
    }

    static let idKeys = [GGUFKey.bosTokenID, GGUFKey.eosTokenID, GGUFKey.eotTokenID, GGUFKey.eomTokenID,
                         GGUFKey.unknownTokenID, GGUFKey.separatorTokenID, GGUFKey.paddingTokenID, GGUFKey.maskTokenID]

    static func tokenIDs(metadata: GGUFMetadata, vocabularySize: Int?) -> [CheckFinding] {
        guard let vocabularySize else { return [] }
        return idKeys.compactMap { key in
            guard let value = metadata[key], let id = value.intValue else { return nil }
            // llama.cpp reads ids as uint32, so -1 ("none") is out of range there too.
            guard id < 0 || id >= vocabularySize else { return nil }
            return CheckFinding(.tokenIDOutOfRange,
                                message: "\(key) is \(id) but the vocabulary has \(vocabularySize) tokens (0...\(vocabularySize - 1)): "
                                    + "llama.cpp ignores it with a warning and falls back to a default id",
                                fix: "set the right id from tokenizer_config.json, e.g. ggufkit quantize IN OUT TYPE "
                                    + "--override-kv \(key)=int:ID, or remove it by reconverting")
        }
    }

    static func padToken(metadata: GGUFMetadata, tokens: [String]?) -> [CheckFinding] {
        guard tokens != nil else { return [] }
        let fix = "give the model a pad token of its own (an unused or dedicated token): "
            + "--override-kv \(GGUFKey.paddingTokenID)=int:ID"
        guard let pad = metadata[GGUFKey.paddingTokenID]?.intValue else {
            return [CheckFinding(.padMissing, message: "no pad token (\(GGUFKey.paddingTokenID)): batching and fine-tuning "
                + "tools then choose one themselves, usually EOS", fix: fix)]
        }
        guard let eos = metadata[GGUFKey.eosTokenID]?.intValue, pad == eos else { return [] }
        return [CheckFinding(.padIsEOS, message: "the pad token is the EOS token (id \(eos)\(piece(eos, tokens))): "
            + "a fine-tune that masks padding also masks every EOS, and the model stops learning when to stop", fix: fix)]
    }

    static func chatTemplate(metadata: GGUFMetadata, tokens: [String]?) -> [CheckFinding] {
        guard let template = metadata[GGUFKey.chatTemplate]?.stringValue, !template.isEmpty else {
            return [CheckFinding(.noChatTemplate, message: "no chat template (\(GGUFKey.chatTemplate)): llama-server, "
                + "Ollama and other chat front ends guess a format, usually the wrong one (fine for a base model)",
                fix: "convert from a folder whose tokenizer_config.json has chat_template, or set one with "
                    + "--override-kv \(GGUFKey.chatTemplate)=str:TEMPLATE")]
        }
        guard let bos = metadata[GGUFKey.bosTokenID]?.intValue, let tokens, tokens.indices.contains(bos),
              metadata[GGUFKey.addBOSToken] == .bool(true),
              ChatTemplateStart.emitsBOSFirst(template, bosText: tokens[bos]) else { return [] }
        return [CheckFinding(.doubleBOS, message: "add_bos_token is true and the chat template starts with the BOS "
            + "token (\(tokens[bos])): chat prompts begin with two BOS tokens, which degrades the answers",
            fix: "set --override-kv \(GGUFKey.addBOSToken)=bool:false (the template supplies BOS), "
                + "or remove the BOS from the template")]
    }

    static func preTokenizer(metadata: GGUFMetadata) -> [CheckFinding] {
        // llama.cpp reads the pre-tokenizer only for byte-level BPE vocabularies.
        guard metadata[GGUFKey.tokenizerModel]?.stringValue == "gpt2" else { return [] }
        let pre = metadata[GGUFKey.tokenizerPre]?.stringValue ?? ""
        let fix = "reconvert with ggufkit convert (it identifies the pre-tokenizer from tokenizer.json) or name it "
            + "with --pre NAME"
        if pre.isEmpty {
            return [CheckFinding(.missingPreTokenizer, message: "no pre-tokenizer (\(GGUFKey.tokenizerPre)): llama.cpp "
                + "splits text with its 'default' rules and warns GENERATION QUALITY WILL BE DEGRADED", fix: fix)]
        }
        guard LlamaCppVocabulary.preTokenizers.contains(pre) else {
            return [CheckFinding(.unknownPreTokenizer, message: "pre-tokenizer '\(pre)' is unknown to llama.cpp, "
                + "which refuses to load the file (unknown pre-tokenizer type)", fix: fix)]
        }
        guard TokenizerFactory.supportedPreTokenizers.contains(pre) else {
            return [CheckFinding(.preTokenizerNotInGGUFKit, .note, message: "pre-tokenizer '\(pre)' is one llama.cpp "
                + "knows but ggufkit's own tokenizer does not implement (perplexity, compare, generate cannot run)",
                fix: "use llama.cpp's tools for this file")]
        }
        return []
    }

    static func embeddingRows(metadata: GGUFMetadata, tensors: [GGUFTensorInfo], vocabularySize: Int?) -> [CheckFinding] {
        guard let vocabularySize else { return [] }
        return ["token_embd.weight", "output.weight"].compactMap { name in
            guard let info = tensors.first(where: { $0.name == name }), info.dimensions.count == 2,
                  info.dimensions[1] != vocabularySize else { return nil }
            return CheckFinding(.embeddingRows, message: "\(name) has \(info.dimensions[1]) rows but the vocabulary has "
                + "\(vocabularySize) tokens: llama.cpp refuses the tensor's shape and does not load the file",
                fix: "reconvert so the two agree: pad the vocabulary with placeholder tokens up to the rows "
                    + "(as convert_hf_to_gguf.py does) or trim the rows to the vocabulary", tensors: [name])
        }
    }

    private static func piece(_ id: Int, _ tokens: [String]?) -> String {
        guard let tokens, tokens.indices.contains(id) else { return "" }
        return ", \(tokens[id])"
    }
}
