import Foundation
import GGUF
import Tokenizers

/// `tokenizer.json` (with a fixed `tokenizer_config.json`) through the converter's loader, then
/// the GGUF tokenizer built from the metadata it produced, on a short text.
public enum TokenizerJSONTarget: FuzzTarget {
    public static let name = "tokenizer-json"

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let folder = try prepareFolder(scratch: scratch, name: "hf-json")
        try Data(input).write(to: URL(fileURLWithPath: folder + "/tokenizer.json"))
        try exercise(folder: folder)
    }

    static func prepareFolder(scratch: FuzzScratch, name: String) throws -> String {
        let folder = scratch.folder + "/" + name
        if !FileManager.default.fileExists(atPath: folder + "/tokenizer_config.json") {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(#"{"add_bos_token": true, "add_eos_token": false, "bos_token": "<s>", "eos_token": "</s>"}"#.utf8)
                .write(to: URL(fileURLWithPath: folder + "/tokenizer_config.json"))
        }
        return folder
    }

    static func exercise(folder: String) throws {
        let loaded = try HFTokenizerLoader.load(directory: folder, vocabSize: nil, options: TokenizerMetadataOptions())
        var metadata = loaded.metadata
        metadata["general.architecture"] = .string("llama")
        let tokenizer = try TokenizerFactory.make(metadata: metadata)
        let ids = try tokenizer.encode(GGUFTarget.sample, addSpecial: true, parseSpecial: true)
        blackHole(tokenizer.decode(ids))
    }
}

/// `tokenizer.model`, SentencePiece's protobuf, through the converter's loader.
public enum SentencePieceModelTarget: FuzzTarget {
    public static let name = "tokenizer-model"

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let folder = try TokenizerJSONTarget.prepareFolder(scratch: scratch, name: "hf-model")
        try Data(input).write(to: URL(fileURLWithPath: folder + "/tokenizer.model"))
        try TokenizerJSONTarget.exercise(folder: folder)
    }
}
