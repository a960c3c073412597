/// Rebuilds a Hugging Face tokenizer from GGUF `tokenizer.*` metadata.
enum TokenizerFilesWriter {
    struct File {
        var name: String
        var bytes: [UInt8]
    }

    /// The tokenizer files' names and contents, built in memory so that a tokenizer that
    /// cannot be written fails the export before any weight is converted. Empty (with a log
    /// line) for tokenizer models other than `gpt2` and `llama`.
    static func files(_ tokenizer: TokenizerMetadata, contextLength: Int?, sourcePath: String,
                      log: @escaping (String) -> Void) throws -> [File] {
        var files: [File] = []
        switch tokenizer.model {
        case "gpt2":
            let bpe = BPETokenizerFiles(tokenizer: tokenizer, contextLength: contextLength, path: sourcePath, log: log)
            // Compact: the vocabulary and merges make this file megabytes long.
            files.append(File(name: "tokenizer.json", bytes: try bpe.tokenizerJSON().serialized(indent: 0)))
            files.append(File(name: "tokenizer_config.json", bytes: bpe.tokenizerConfig().serialized()))
            log("tokenizer: byte-level BPE, \(tokenizer.tokens.count) tokens, \(tokenizer.merges.count) merges, "
                + "pre-tokenizer \"\(tokenizer.pre ?? "default")\"")
        case "llama":
            let spm = SentencePieceFiles(tokenizer: tokenizer, contextLength: contextLength, path: sourcePath, log: log)
            files.append(File(name: "tokenizer.model", bytes: try spm.tokenizerModel()))
            files.append(File(name: "tokenizer_config.json", bytes: spm.tokenizerConfig().serialized()))
            log("tokenizer: SentencePiece, \(tokenizer.tokens.count) pieces")
        default:
            log("warning: tokenizer model \"\(tokenizer.model)\" cannot be exported; no tokenizer files written")
            return []
        }
        files.append(File(name: "special_tokens_map.json", bytes: SpecialTokenFields.specialTokensMap(tokenizer).serialized()))
        return files
    }

    /// Writes `files` into `folder` and returns their names.
    static func write(_ files: [File], into folder: OutputFolder) throws -> [String] {
        for file in files { try OutputFolder.writeFile(file.bytes, to: folder.path(file.name)) }
        return files.map(\.name)
    }
}
