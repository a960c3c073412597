import FileSupport
import Foundation
import GGUF
import Models

/// Builds a ``TextTokenizer`` from GGUF tokenizer metadata or a Hugging Face folder.
public enum TokenizerFactory {
    /// A tokenizer for the `tokenizer.*` keys of a GGUF: `tokenizer.ggml.model` `llama`
    /// (SentencePiece) or `gpt2` (byte-level BPE, with `tokenizer.ggml.pre` naming the
    /// pre-tokenizer). Throws ``TokenizersError`` for missing or malformed keys and for
    /// models and pre-tokenizers this package does not implement.
    public static func make(metadata: GGUFMetadata) throws -> any TextTokenizer {
        let vocabulary = try EncodingVocabulary(metadata: metadata)
        switch vocabulary.model {
        case .llama:
            return SentencePieceTokenizer(vocabulary: vocabulary)
        case .gpt2:
            return try BytePairTokenizer(vocabulary: vocabulary, merges: MergeTable.lines(from: metadata))
        }
    }

    /// Every `tokenizer.ggml.pre` value ``make(metadata:)`` can tokenize with.
    public static var supportedPreTokenizers: [String] { BPEPreTokenizer.supportedNames }

    /// A tokenizer for a Hugging Face model folder, through the same metadata the
    /// converter would write (``HFTokenizerLoader``), so it tokenizes as the converted
    /// GGUF will in llama.cpp. `config.json`'s `vocab_size` and `architectures` (whose
    /// descriptor names the converter's vocabulary recipe) are used when present.
    public static func make(huggingFaceDirectory: String) throws -> any TextTokenizer {
        let (vocabSize, architectures) = try modelConfig(directory: huggingFaceDirectory)
        var options = TokenizerMetadataOptions()
        options.recipe = ModelRegistry.descriptor(huggingFaceNames: architectures)?.tokenizerRecipe ?? .llama
        let metadata = try HFTokenizerLoader.metadata(directory: huggingFaceDirectory, vocabSize: vocabSize, options: options)
        return try make(metadata: metadata)
    }

    private static func modelConfig(directory: String) throws(TokenizersError) -> (Int?, [String]) {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("config.json").path
        guard FileManager.default.fileExists(atPath: path) else { return (nil, []) }
        let root = try JSONFile.load(path: path).rootObject()
        let architectures = root["architectures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return (root["vocab_size"]?.pythonInt, architectures)
    }
}
