import Evaluation
import FileSupport
import Foundation
import GGUF
import Inference
import SafeTensors
import Tokenizers

extension LlamaModel: LanguageModel {}

/// A model ready to score text: weights, tokenizer and the facts the reports show.
struct LoadedModel {
    var path: String
    var model: LlamaModel
    var tokenizer: any TextTokenizer
    /// Bytes of weight files on disk (the GGUF, or the folder's safetensors).
    var fileBytes: Int
    var bitsPerWeight: Double?
    /// What the file says it was importance-weighted with, if anything.
    var importanceMatrix: String?
    /// `general.file_type` by llama-quantize's name (`Q4_K_M`), for a GGUF file that has one.
    var fileType: String?

    /// Opens a GGUF file or a Hugging Face folder.
    static func open(_ path: String, threads: Int, weightCacheBytes: Int = 0, gpu: GPUOption? = nil) throws -> LoadedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluationError.invalidOption("\(path): no such file or folder")
        }
        var options = InferenceOptions(threads: threads, weightCacheBytes: weightCacheBytes)
        if let gpu {
            options.gpuLayers = gpu.requestedLayers
            options.gpuDevice = gpu.device
        }
        if isDirectory.boolValue {
            let checkpoint = try SafeTensorsCheckpoint(directory: path)
            let infos = checkpoint.tensorNames.compactMap { checkpoint.info(named: $0) }
            let bytes = infos.reduce(0) { $0 + $1.byteCount }
            let params = infos.reduce(0) { $0 + $1.elementCount }
            return LoadedModel(path: path,
                               model: try LlamaModel(huggingFaceDirectory: path, options: options),
                               tokenizer: try TokenizerFactory.make(huggingFaceDirectory: path),
                               fileBytes: bytes,
                               bitsPerWeight: params > 0 ? Double(bytes * 8) / Double(params) : nil)
        }
        let file = try GGUFFile(path: path)
        let bytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        let params = file.tensors.reduce(0) { $0 + $1.elementCount }
        let imatrix = file.metadata["quantize.imatrix.dataset"]?.stringValue
            ?? file.metadata["quantize.imatrix.file"]?.stringValue
        return LoadedModel(path: path,
                           model: try LlamaModel(ggufPath: path, options: options),
                           tokenizer: try TokenizerFactory.make(metadata: file.metadata),
                           fileBytes: file.fileSize,
                           bitsPerWeight: params > 0 ? Double(bytes * 8) / Double(params) : nil,
                           importanceMatrix: imatrix,
                           fileType: file.metadata[GGUFKey.fileType]?.intValue
                               .flatMap { LlamaFileType(rawValue: UInt32(clamping: $0)) }?.name)
    }

    /// The text's tokens as llama-perplexity makes them: special tokens added, special text not parsed.
    func tokenize(textFile: String) throws -> [Int32] {
        guard let data = readWholeFile(atPath: textFile) else {
            throw EvaluationError.invalidOption("\(textFile): cannot read")
        }
        return try tokenize(text: String(decoding: data, as: UTF8.self))
    }

    /// ``tokenize(textFile:)`` for text already in memory (the built-in validation text).
    func tokenize(text: String) throws -> [Int32] {
        try tokenizer.encode(text, addSpecial: true, parseSpecial: false)
    }

    /// The BOS token each perplexity chunk starts with, when the model adds one.
    var chunkBOS: Int32? { tokenizer.addsBOS ? tokenizer.bosTokenID : nil }
}

/// Options for commands that score text.
struct ScoringOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Text file to score.")
    var file: String

    @Option(name: [.customShort("c"), .long], help: "Context length (tokens per chunk).")
    var context = 512

    @Option(name: .long, help: "Score at most this many chunks (default: all).")
    var chunks: Int?

    @Option(name: .long, help: "Chunks evaluated together in one batch.")
    var batch = 4

    func validate() throws {
        guard context >= 8, context <= 1 << 20 else { throw ValidationError("-c must be in 8...1048576") }
        guard batch >= 1, batch <= 64 else { throw ValidationError("--batch must be in 1...64") }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be positive") }
    }

    func runner(bos: Int32?) -> PerplexityRunner {
        var runner = PerplexityRunner(contextLength: context, maxChunks: chunks, bosToken: bos)
        runner.sequencesPerBatch = batch
        return runner
    }
}

import ArgumentParser
