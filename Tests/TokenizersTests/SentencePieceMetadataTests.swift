import GGUF
import Testing
import TestSupport
@testable import Tokenizers

@Suite("llama (SentencePiece) metadata")
struct SentencePieceMetadataTests {
    /// A folder with tokenizer.model, added tokens from both added_tokens.json and
    /// tokenizer_config.json, a named chat-template list and config.json ids.
    private func makeFolder() throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try folder.write("tokenizer.model", bytes: ProtobufWriter.model(extra: [("▁a", -1, nil), ("<mine>", 0, 4), ("zz", -2, 5)]))
        try folder.writeJSON("config.json", ["vocab_size": 266, "bos_token_id": 1, "eos_token_id": 2])
        try folder.writeJSON("added_tokens.json", ["<extra>": 264, "<far>": 900])
        try folder.writeJSON("tokenizer_config.json", [
            "add_bos_token": true, "add_eos_token": false, "add_prefix_space": false,
            "bos_token": "<s>", "eos_token": "</s>",
            "added_tokens_decoder": [
                "0": ["content": "<unk>", "special": true],
                "262": ["content": "<|im_start|>", "special": false],
                "263": ["content": "▁hello▁", "special": false],
            ],
            "chat_template": [["name": "default", "template": "D"], ["name": "tool use", "template": "T"]],
        ])
        return folder
    }

    @Test("tokens, scores and types follow _create_vocab_sentencepiece")
    func vocabulary() throws {
        let folder = try makeFolder()
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 266, options: log.options())
        let tokens = try #require(metadata.strings("tokenizer.ggml.tokens"))
        let types = try #require(metadata.ints("tokenizer.ggml.token_type"))
        let scoreValues = metadata["tokenizer.ggml.scores"]?.arrayValue ?? []
        let scores = scoreValues.compactMap(\.doubleValue)
        #expect(tokens.count == 266 && types.count == 266 && scores.count == 266)
        #expect(Array(tokens[0 ... 3]) == ["<unk>", "<s>", "</s>", "<0x00>"])
        #expect(Array(types[0 ... 3]) == [3, 3, 3, 6])  // <unk> turned CONTROL by added_tokens_decoder
        #expect(scores[0] == -1000 && scores[1] == 0)
        #expect(Array(tokens[259 ... 265]) == ["▁a", "<mine>", "zz", "<|im_start|>", " hello ", "<extra>", "[PAD265]"])
        // USER_DEFINED pieces read as NORMAL; a non-special added token that looks
        // special becomes CONTROL; others USER_DEFINED with U+2581 turned into spaces.
        #expect(Array(types[259 ... 265]) == [1, 1, 5, 3, 4, 4, 5])
        #expect(Array(scores[259 ... 265]) == [-1, 0, -2, -1000, -1000, -1000, -10000])
        #expect(log.contains("ignoring added token 900"))
    }

    @Test("keys, value types and order match the converter")
    func keyOrder() throws {
        let folder = try makeFolder()
        let log = LogLines()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 266, options: log.options())
        #expect(metadata.keys == [
            "tokenizer.ggml.add_space_prefix", "tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
            "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id",
            "tokenizer.ggml.eos_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
            "tokenizer.ggml.add_eos_token", "tokenizer.chat_template.tool_use", "tokenizer.chat_templates",
            "tokenizer.chat_template",
        ])
        #expect(metadata["tokenizer.ggml.add_space_prefix"] == .bool(false))
        #expect(metadata["tokenizer.ggml.model"] == .string("llama"))
        #expect(metadata["tokenizer.ggml.pre"] == .string("default"))
        #expect(metadata["tokenizer.ggml.scores"]?.arrayValue?.first?.type == .float32)
        #expect(metadata["tokenizer.ggml.token_type"]?.arrayValue?.first?.type == .int32)
        #expect(metadata["tokenizer.ggml.bos_token_id"] == .uint32(1))
        #expect(metadata["tokenizer.ggml.eos_token_id"] == .uint32(2))
        #expect(metadata["tokenizer.ggml.padding_token_id"] == .uint32(2))
        #expect(metadata["tokenizer.ggml.add_bos_token"] == .bool(true))
        #expect(metadata["tokenizer.ggml.add_eos_token"] == .bool(false))
        #expect(metadata["tokenizer.chat_template"] == .string("D"))
        #expect(metadata["tokenizer.chat_template.tool_use"] == .string("T"))
        #expect(metadata["tokenizer.chat_templates"] == .strings(["tool_use"]))
        #expect(log.contains("no pad token: using eos (2) as pad"))
    }

    @Test("the vocab size decides padding and truncation", arguments: [
        (nil as Int?, 262), (300, 300), (100, 100),
    ])
    func vocabSize(requested: Int?, expected: Int) throws {
        let folder = try makeFolder()
        let log = LogLines()
        let vocabulary = try HFTokenizerLoader.load(directory: folder.path, vocabSize: requested, options: log.options()).vocabulary
        #expect(vocabulary.count == expected)
        #expect(vocabulary.tokenTypes.count == expected && vocabulary.scores?.count == expected)
        if expected < 262 { #expect(log.contains("ignoring tokenizer.model pieces from id \(expected)")) }
        if expected == 300 { #expect(vocabulary.tokens[299] == "[PAD299]" && vocabulary.scores?[299] == -10000) }
    }

    @Test("an explicit pre-tokenizer override wins")
    func override() throws {
        let folder = try makeFolder()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: nil,
                                                      options: LogLines().options(pre: "custom"))
        #expect(metadata["tokenizer.ggml.pre"] == .string("custom"))
    }

    @Test("without the pad fallback no padding id is written")
    func noPadFallback() throws {
        let folder = try makeFolder()
        var options = LogLines().options()
        options.padWithEOSWhenMissing = false
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: nil, options: options)
        #expect(metadata["tokenizer.ggml.padding_token_id"] == nil)
    }

    @Test("CodeLlama's vocab size adds the EOT id after the other keys")
    func codeLlama() throws {
        let folder = try makeFolder()
        let metadata = try HFTokenizerLoader.metadata(directory: folder.path, vocabSize: 32016, options: LogLines().options())
        #expect(metadata.keys.last == "tokenizer.ggml.eot_token_id")
        #expect(metadata["tokenizer.ggml.eot_token_id"] == .uint32(32010))
    }
}
