import FileSupport
import GGUF

/// A model folder's tokenizer, read the way llama.cpp's converter reads it.
public struct HFTokenizer: Sendable {
    /// Tokens, types, scores and merges as they go into the GGUF.
    public var vocabulary: TokenVocabulary
    /// `tokenizer.ggml.pre`.
    public var preTokenizer: String
    /// Special token ids, add_* flags, chat template, normalizer flags.
    public var specialTokens: SpecialTokenSettings
    /// The parsed `tokenizer.model`, when the vocabulary came from one.
    public var sentencePiece: SentencePieceModel?
    /// The `tokenizer.*` keys in the converter's order.
    public var metadata: GGUFMetadata
}

/// Reads Hugging Face tokenizer files and produces the `tokenizer.*` GGUF metadata
/// llama.cpp's `convert_hf_to_gguf.py` writes for the same folder.
public enum HFTokenizerLoader {
    /// Reads tokenizer.model (SentencePiece protobuf) or tokenizer.json (+ tokenizer_config.json,
    /// special_tokens_map.json, added_tokens.json, config.json, as the converter does) from
    /// `directory` and returns the GGUF tokenizer keys, in the order llama.cpp's converter writes
    /// them. `vocabSize` is config.json's vocab_size (the converter pads the vocab with `[PAD{i}]`
    /// tokens of type USER_DEFINED/UNUSED up to it when the tokenizer has fewer entries).
    public static func metadata(directory: String, vocabSize: Int?, options: TokenizerMetadataOptions) throws -> GGUFMetadata {
        try load(directory: directory, vocabSize: vocabSize, options: options).metadata
    }

    /// Like ``metadata(directory:vocabSize:options:)`` but also returns the parsed vocabulary
    /// and special tokens for later encoding.
    public static func load(directory: String, vocabSize: Int?, options: TokenizerMetadataOptions) throws(TokenizersError) -> HFTokenizer {
        let log = options.log
        let folder = try HFTokenizerFolder(directory: directory)
        var metadata = GGUFMetadata()
        let config = try folder.tokenizerConfigObject()

        if options.recipe == .llama, let config, let file = folder.tokenizerConfig {
            if let value = config["add_prefix_space"], value != .null {
                guard let flag = value.boolValue else {
                    throw file.mismatch("$.add_prefix_space", "a boolean", value)
                }
                metadata[GGUFKey.addSpacePrefix] = .bool(flag)
            }
            if config["tokenizer_class"]?.stringValue == "HybridDNATokenizer" {
                throw .unsupportedTokenizer(path: file.path, reason: "HybridDNATokenizer vocabularies are not supported")
            }
        }

        let vocabulary: TokenVocabulary
        var sentencePiece: SentencePieceModel? = nil
        var detectedPre = PreTokenizerTable.fallback
        var detectedRule: PreTokenizerRule?
        var special: SpecialTokenSettings
        if folder.isFile("tokenizer.model") {
            let model = try SentencePieceModel.load(path: folder.path("tokenizer.model"))
            sentencePiece = model
            vocabulary = try SentencePieceVocabularyBuilder(folder: folder, model: model, log: log).build(vocabSize: vocabSize)
            log("tokenizer: SentencePiece tokenizer.model with \(model.pieces.count) pieces, \(vocabulary.count) tokens")
            var loader = SpecialVocabLoader(folder: folder, loadMerges: false, vocabularySize: vocabulary.count, log: log)
            special = try loader.load()
        } else if let tokenizer = folder.tokenizerJSON {
            if options.recipe == .llama, try LlamaHFVocabularyBuilder.applies(to: tokenizer) {
                vocabulary = try LlamaHFVocabularyBuilder(folder: folder, tokenizer: tokenizer, log: log).build()
                log("tokenizer: SentencePiece-style tokenizer.json with \(vocabulary.count) tokens")
                var loader = SpecialVocabLoader(folder: folder, loadMerges: false, vocabularySize: vocabulary.count, log: log)
                special = try loader.load()
            } else {
                let type = try tokenizer.modelType()
                guard type == "BPE" else {
                    throw .unsupportedTokenizer(path: tokenizer.path, reason: "model type \(type.map { "\"\($0)\"" } ?? "missing") is not BPE")
                }
                let built = try BPEVocabularyBuilder(folder: folder, tokenizer: tokenizer, log: log).build(vocabSize: vocabSize)
                vocabulary = built.0
                log("tokenizer: byte-level BPE tokenizer.json with \(vocabulary.count) tokens")
                let facts = try PreTokenizerFacts.read(tokenizer: tokenizer, tokenizerClass: config?["tokenizer_class"]?.stringValue,
                                                       baseVocabularySize: built.1.baseVocabularySize, vocabulary: vocabulary)
                detectedRule = identifyPreTokenizer(facts, explicit: options.preTokenizerOverride != nil, log: log)
                detectedPre = detectedRule?.pre ?? PreTokenizerTable.fallback
                var loader = SpecialVocabLoader(folder: folder, loadMerges: true, vocabularySize: nil, log: log)
                special = try loader.load()
            }
        } else if folder.isFile("vocab.json") {
            throw .unsupportedTokenizer(path: folder.path("vocab.json"), reason: "vocab.json without tokenizer.json is not supported")
        } else {
            throw .missingTokenizerFiles(directory: directory)
        }

        var pre = detectedPre
        if let override = options.preTokenizerOverride {
            log("tokenizer: tokenizer.ggml.pre = \"\(override)\" (explicit override)")
            pre = override
        }
        var withMerges = vocabulary
        withMerges.merges = special.merges

        metadata[GGUFKey.tokenizerModel] = .string(vocabulary.model.rawValue)
        metadata[GGUFKey.tokenizerPre] = .string(pre)
        metadata[GGUFKey.tokenizerTokens] = .strings(vocabulary.tokens)
        if let scores = vocabulary.scores { metadata[GGUFKey.tokenizerScores] = .float32s(scores) }
        metadata[GGUFKey.tokenizerTokenType] = .int32s(vocabulary.tokenTypes.map(\.rawValue))

        if options.padWithEOSWhenMissing, special.ids["pad"] == nil, let eos = special.ids["eos"] {
            log("no pad token: using eos (\(eos)) as pad")
            special.ids.set("pad", eos)
        }
        for (role, id) in special.ids.entries where id >= vocabulary.count {
            log("warning: special token \(role) id \(id) is outside the vocabulary (\(vocabulary.count) tokens)")
        }
        special.write(into: &metadata, log: log)

        if options.recipe == .llama {
            try applyLlamaModelRules(folder: folder, vocabSize: vocabSize ?? 32000, metadata: &metadata, log: log)
        }
        if options.checksConverterDigest, let rule = detectedRule, options.preTokenizerOverride == nil,
           !rule.converterDigests.isEmpty {
            reportProbe(rule, metadata: metadata, log: log)
        }
        return HFTokenizer(vocabulary: withMerges, preTokenizer: pre, specialTokens: special,
                           sentencePiece: sentencePiece, metadata: metadata)
    }

    /// The tail of `LlamaModel.set_vocab`: CodeLlama's infill/EOT ids and the "granite
    /// small" rule, which also catches SmolLM2 (both have 49152 tokens).
    private static func applyLlamaModelRules(folder: HFTokenizerFolder, vocabSize: Int, metadata: inout GGUFMetadata,
                                             log: @escaping @Sendable (String) -> Void) throws(TokenizersError) {
        if vocabSize == 32016 {
            var loader = SpecialVocabLoader(folder: folder, loadMerges: false, vocabularySize: nil,
                                            roles: ["prefix", "suffix", "middle", "eot"], log: log)
            var codeLlama = try loader.load()
            for (role, id) in [("prefix", 32007), ("suffix", 32008), ("middle", 32009), ("eot", 32010)] {
                codeLlama.ids.setDefault(role, id)
            }
            codeLlama.write(into: &metadata, log: log)
        }
        if vocabSize == 49152 {
            metadata[GGUFKey.addBOSToken] = .bool(false)
        }
    }

    /// Says whether the probe text encodes to a digest llama.cpp's converter lists for the
    /// rule's name. Informational only: the conversion goes on either way.
    private static func reportProbe(_ rule: PreTokenizerRule, metadata: GGUFMetadata, log: (String) -> Void) {
        do {
            let digests = try PreTokenizerProbe.digests(metadata: metadata)
            if digests.contains(where: rule.converterDigests.contains) {
                log("tokenizer: the probe text gives llama.cpp's converter digest for \"\(rule.pre)\"")
            } else {
                log("tokenizer: note: the probe text gives digest \(digests[0]), not one llama.cpp's converter lists for "
                    + "\"\(rule.pre)\" (expected for a changed vocabulary)")
            }
        } catch {
            log("tokenizer: note: the probe text could not be encoded: \(error)")
        }
    }

    /// Looks the facts up in ``PreTokenizerTable``; on no match warns loudly and
    /// returns `nil` (the caller writes the fallback).
    private static func identifyPreTokenizer(_ facts: PreTokenizerFacts, explicit: Bool,
                                             log: (String) -> Void) -> PreTokenizerRule? {
        if let rule = PreTokenizerTable.identify(facts) {
            log("tokenizer: pre-tokenizer \"\(rule.pre)\" (\(facts.signature); \(rule.condition); \(rule.models))")
            return rule
        }
        if !explicit {
            log("""
                warning: **************************************************************************
                warning: ** The BPE pre-tokenizer was not recognized: \(facts.signature), \(facts.vocabularySize) tokens.
                warning: ** Writing tokenizer.ggml.pre = "\(PreTokenizerTable.fallback)", which llama.cpp may split
                warning: ** differently from the original tokenizer. Pass the right name as an override
                warning: ** (llama-bpe, qwen2, smollm, gpt-2, ...) if you know it.
                warning: **************************************************************************
                """)
        }
        return nil
    }
}
