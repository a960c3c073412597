import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

@Suite("gpt2 (byte-level BPE) metadata")
struct BPEMetadataTests {
    static var digitsByteLevel: [String: Any] {
        [
        "type": "Sequence",
        "pretokenizers": [
            ["type": "Digits", "individual_digits": true],
            ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
        ],
        ]
    }

    /// A byte-level BPE folder; `merges` chooses the merge encoding.
    private func makeFolder(merges: Any, postProcessor: Any = ["type": "ByteLevel"],
                            config: [String: Any] = [:]) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try folder.writeJSON("tokenizer.json", [
            "version": "1.0",
            "added_tokens": [
                ["id": 0, "content": "<|endoftext|>", "special": true, "normalized": false],
                ["id": 6, "content": "<tool>", "special": false, "normalized": true],
                ["id": 7, "content": "▁x▁", "special": false, "normalized": false],
            ],
            "pre_tokenizer": Self.digitsByteLevel,
            "post_processor": postProcessor,
            "decoder": ["type": "ByteLevel"],
            "model": [
                "type": "BPE", "byte_fallback": false,
                "vocab": ["<|endoftext|>": 0, "a": 1, "b": 2, "ab": 3, "Ġ": 4, "Ġa": 5],
                "merges": merges,
            ] as [String: Any],
        ])
        var tokenizerConfig: [String: Any] = [
            "bos_token": "<|endoftext|>", "eos_token": ["content": "<|endoftext|>", "special": true],
            "unk_token": NSNull(), "chat_template": "{{ x }}", "tokenizer_class": "GPT2Tokenizer",
        ]
        tokenizerConfig.merge(config) { _, new in new }
        try folder.writeJSON("tokenizer_config.json", tokenizerConfig)
        return folder
    }

    @Test("both merge encodings give \"a b\" strings; spaces inside pairs become U+0120", arguments: [true, false])
    func merges(pairs: Bool) throws {
        let encoding: Any = pairs ? [["a", "b"], ["Ġ", "a"], ["a b", "c"]] : ["a b", "Ġ a", "aĠb c"]
        let folder = try makeFolder(merges: encoding)
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 10, options: LogLines().options())
        #expect(metadata.strings("tokenizer.ggml.merges") == ["a b", "Ġ a", "aĠb c"])
    }

    @Test("tokens by id, added tokens typed by the converter's rule, gaps padded")
    func vocabulary() throws {
        let folder = try makeFolder(merges: ["a b"])
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 10, options: log.options(pre: "gpt-2"))
        #expect(metadata.keys == [
            "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type",
            "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
            "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token",
            "tokenizer.chat_template",
        ])
        #expect(metadata["tokenizer.ggml.model"] == .string("gpt2"))
        #expect(metadata["tokenizer.ggml.pre"] == .string("gpt-2"))
        #expect(metadata.strings("tokenizer.ggml.tokens")
            == ["<|endoftext|>", "a", "b", "ab", "Ġ", "Ġa", "<tool>", " x ", "[PAD8]", "[PAD9]"])
        #expect(metadata.ints("tokenizer.ggml.token_type") == [3, 1, 1, 1, 1, 1, 4, 4, 5, 5])
        #expect(metadata["tokenizer.ggml.bos_token_id"] == .uint32(0))
        #expect(metadata["tokenizer.ggml.eos_token_id"] == .uint32(0))
        #expect(metadata["tokenizer.ggml.padding_token_id"] == .uint32(0))
        #expect(metadata["tokenizer.ggml.add_bos_token"] == .bool(false))
        #expect(metadata["tokenizer.ggml.add_eos_token"] == .bool(false))
        #expect(metadata["tokenizer.chat_template"] == .string("{{ x }}"))
        #expect(log.contains("explicit override"))
    }

    @Test("added tokens get the ids the tokenizers library assigns, not the ids written in the file")
    func addedTokenIDs() throws {
        let folder = try TemporaryDirectory()
        try folder.writeJSON("tokenizer.json", [
            "added_tokens": [
                ["id": 20, "content": "<|start|>", "special": true], ["id": 30, "content": "Ġa", "special": false],
                ["id": 21, "content": "<|end|>", "special": true],
            ],
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
            "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": ["a": 0, "Ġ": 1, "Ġa": 2], "merges": ["Ġ a"]] as [String: Any],
        ])
        try folder.writeJSON("tokenizer_config.json", ["eos_token": "<|end|>", "additional_special_tokens": ["a"]])
        let log = LogLines()
        let tokenizer = try HFTokenizerLoader.load(directory: folder.path, vocabSize: nil, options: log.options())
        // Text already in the vocabulary keeps its id; new text is numbered after it.
        #expect(tokenizer.vocabulary.tokens == ["a", "Ġ", "Ġa", "<|start|>", "<|end|>"])
        // "a" is declared special, so transformers adds it as a special token.
        #expect(tokenizer.vocabulary.tokenTypes == [.control, .normal, .userDefined, .control, .control])
        #expect(tokenizer.preTokenizer == "gpt-2")
        // gguf-py resolves "<|end|>" through the id written in tokenizer.json, so the
        // converter writes 21 even though the token ends up at 4; a warning says so.
        #expect(tokenizer.specialTokens.tokenID("eos") == 21)
        #expect(log.contains("is listed with id 20 but gets id 3"))
        #expect(log.contains("special token eos id 21 is outside the vocabulary (5 tokens)"))
    }

    @Test("without a vocab size the vocabulary is as large as the tokenizer's")
    func defaultVocabSize() throws {
        let folder = try makeFolder(merges: ["a b"])
        let tokenizer = try HFTokenizerLoader.load(directory: folder.path, vocabSize: nil, options: LogLines().options())
        #expect(tokenizer.vocabulary.count == 8)
        #expect(tokenizer.vocabulary.merges == ["a b"])
    }

    @Test("a vocab size smaller than the largest id is an error")
    func vocabTooSmall() throws {
        let folder = try makeFolder(merges: ["a b"])
        #expect(throws: TokenizersError.self) {
            try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 5, options: LogLines().options())
        }
    }

    @Test("an unrecognized pre-tokenizer falls back to \"default\" with a loud warning")
    func unknownPreTokenizer() throws {
        let folder = try makeFolder(merges: ["a b"])
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: nil, options: log.options())
        #expect(metadata["tokenizer.ggml.pre"] == .string("default"))
        #expect(log.contains("was not recognized: Digits(individual) + ByteLevel(gpt2-regex)"))
        #expect(log.contains("tokenizer.ggml.pre = \"default\""))
    }

    @Test("TemplateProcessing decides add_bos/add_eos; config.json fills missing ids")
    func templateProcessing() throws {
        let template: [String: Any] = [
            "type": "TemplateProcessing",
            "single": [["SpecialToken": ["id": "<|endoftext|>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]],
                       ["SpecialToken": ["id": "<tool>", "type_id": 0]]],
            "pair": [] as [Any],
        ]
        let folder = try makeFolder(merges: ["a b"], postProcessor: template, config: ["add_eos_token": false])
        try folder.writeJSON("config.json", ["pad_token_id": 1, "eot_token_id": 5])
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: nil, options: log.options(pre: "gpt-2"))
        // The trailing special token is not the EOS, so it becomes the EOS and the old
        // EOS becomes the EOT; the EOT from tokenizer_config wins over config.json.
        #expect(metadata["tokenizer.ggml.add_bos_token"] == .bool(true))
        #expect(metadata["tokenizer.ggml.add_eos_token"] == .bool(true))
        #expect(metadata["tokenizer.ggml.eos_token_id"] == .uint32(6))
        #expect(metadata["tokenizer.ggml.eot_token_id"] == .uint32(0))
        #expect(metadata["tokenizer.ggml.padding_token_id"] == .uint32(1))
        #expect(log.contains("disagrees with the post-processor"))
        #expect(!log.contains("no pad token"))
    }

    @Test("SmolLM2-sized vocabularies get add_bos_token = false from the Llama rules", arguments: [
        (VocabRecipe.llama, true), (VocabRecipe.sentencePieceThenBPE, false),
    ])
    func granite(recipe: VocabRecipe, overridden: Bool) throws {
        let folder = try makeFolder(merges: ["a b"], postProcessor: NSNull())
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 49152,
                                                      options: LogLines().options(pre: "smollm", recipe: recipe))
        #expect((metadata["tokenizer.ggml.add_bos_token"] == .bool(false)) == overridden)
    }

    @Test("a SentencePiece-style tokenizer.json without tokenizer.model is read as llama, like LlamaHfVocab")
    func llamaHF() throws {
        let folder = try TemporaryDirectory()
        try folder.writeJSON("tokenizer.json", [
            "added_tokens": [
                ["id": 0, "content": "<unk>", "special": true], ["id": 1, "content": "<s>", "special": true],
                ["id": 2, "content": "</s>", "special": true], ["id": 7, "content": "<|im_end|>", "special": true],
                ["id": 8, "content": "<tool>", "special": false],
            ],
            "post_processor": [
                "type": "TemplateProcessing",
                "single": [["SpecialToken": ["id": "<s>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]]],
                "pair": [["SpecialToken": ["id": "<s>", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]],
                         ["SpecialToken": ["id": "<s>", "type_id": 1]], ["Sequence": ["id": "B", "type_id": 1]]],
            ],
            "decoder": ["type": "Sequence", "decoders": [] as [Any]],
            "model": [
                "type": "BPE", "byte_fallback": true, "unk_token": "<unk>",
                "vocab": ["<unk>": 0, "<s>": 1, "</s>": 2, "<0x00>": 3, "<0x0a>": 4, "▁a": 5, "b": 6],
                "merges": ["▁ a"],
            ] as [String: Any],
        ])
        try folder.writeJSON("tokenizer_config.json", [
            "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "additional_special_tokens": ["<|im_end|>"],
            "add_eos_token": false,
        ])
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 32000, options: LogLines().options())
        #expect(metadata["tokenizer.ggml.model"] == .string("llama"))
        #expect(metadata["tokenizer.ggml.pre"] == .string("default"))
        #expect(metadata.strings("tokenizer.ggml.tokens") == ["<unk>", "<s>", "</s>", "<0x00>", "<0x0a>", "▁a", "b", "<|im_end|>", "<tool>"])
        #expect(metadata.ints("tokenizer.ggml.token_type") == [3, 3, 3, 6, 6, 1, 1, 3, 4])
        #expect(metadata["tokenizer.ggml.scores"]?.arrayValue?.allSatisfy { $0 == .float32(-1000) } == true)
        #expect(metadata["tokenizer.ggml.merges"] == nil)
        // The pair template has "<s>" between A and B, which is no separator: add_sep = false.
        #expect(metadata["tokenizer.ggml.add_bos_token"] == .bool(true))
        #expect(metadata["tokenizer.ggml.add_sep_token"] == .bool(false))
        #expect(metadata["tokenizer.ggml.add_eos_token"] == .bool(false))
        #expect(metadata["tokenizer.ggml.bos_token_id"] == .uint32(1))
        #expect(metadata["tokenizer.ggml.unknown_token_id"] == .uint32(0))
    }
}
