import Conversion
import Foundation
import GGUF
import ImportanceMatrix
import Inference
import Tokenizers

/// Hands the quantizer per-column importance from an importance matrix, read from a file
/// (llama-quantize's `--imatrix`) or computed from calibration text on the model as the
/// earlier passes left it.
///
/// Follows llama-quantize: a tensor uses the matrix entry of the same name when there is one
/// (after `--include-weights` / `--exclude-weights`), a size mismatch is an error (except for
/// `token_embd`, which is then quantized without one), and the output gets the
/// `quantize.imatrix.*` keys.
public struct ImportanceMatrixPass: ModelPass {
    /// Where the matrix comes from.
    public enum Origin: Sendable {
        /// An imatrix file (GGUF or llama.cpp's legacy `.dat`), named in metadata as given.
        case file(path: String)
        /// Computed from calibration text.
        case calibration(CalibrationRequest)
    }

    public var origin: Origin
    /// Which entries are used (llama-quantize's `--include-weights` / `--exclude-weights`).
    public var selection: ImportanceSelection = .all
    /// Where to keep a computed matrix (`--imatrix-out`).
    public var savePath: String?

    public init(origin: Origin) {
        self.origin = origin
    }

    public var name: String { "imatrix" }
    public var stage: PassStage { .importance }
    public var effects: PassEffects { .importance }
    public var requirements: PassRequirements {
        if case .calibration = origin { return [.calibration, .fullPrecisionWeights] }
        return []
    }

    public func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome {
        let matrix: ImportanceMatrix
        var pathForMetadata: String
        switch origin {
        case let .file(path):
            matrix = try ImportanceMatrix(contentsOf: path)
            context.log("imatrix: \(matrix.entries.count) entries from \(path), computed on \(matrix.chunkCount) chunks")
            pathForMetadata = path
        case let .calibration(request):
            var builder = ImportanceMatrixBuilder(request: request, threads: context.threads, log: context.log)
            builder.gpuLayers = context.gpuLayers
            builder.gpuDevice = context.gpuDevice
            matrix = try builder.build(for: model)
            pathForMetadata = savePath ?? ""
            if let savePath {
                try matrix.write(to: savePath)
                context.log("imatrix: saved to \(savePath)")
            }
        }
        if pathForMetadata.isEmpty { pathForMetadata = matrix.datasets.first ?? "" }
        var selected = matrix
        selected.entries = matrix.entries.filter { selection.uses($0.key) }
        guard !selected.entries.isEmpty else {
            context.log("imatrix: no entries selected; quantizing without importance data")
            return PassOutcome()
        }
        var used = 0
        for tensor in model.tensors where tensor.dimensions.count >= 2 {
            let importance = try selected.importance(for: tensor.ggufName, columns: tensor.rowLength)
            if importance != nil { used += 1 }
            try model.setImportance(tensor.ggufName, importance)
        }
        context.log("imatrix: \(used) tensors weighted by importance")
        return PassOutcome(trailingMetadata: selected.quantizationMetadata(imatrixPath: pathForMetadata),
                           providesImportance: true)
    }
}

/// How much calibration text to run, and which.
public struct CalibrationRequest: Sendable {
    /// A file or folder (`.txt`, `.jsonl` with a `text` field); `nil` for the built-in corpus.
    public var corpusPath: String?
    /// Chunks to run (each `contextLength` tokens).
    public var chunkCount: Int
    /// Tokens per chunk.
    public var contextLength: Int

    public init(corpusPath: String?, chunkCount: Int = 100, contextLength: Int = 512) {
        self.corpusPath = corpusPath
        self.chunkCount = chunkCount
        self.contextLength = contextLength
    }
}

/// Computes an importance matrix for a model view from calibration text.
public struct ImportanceMatrixBuilder {
    public var request: CalibrationRequest
    public var threads: Int
    public var log: @Sendable (String) -> Void
    /// Also collect the output head's input (llama-imatrix's `--process-output`).
    public var includeOutput = false
    /// The last layers on the Vulkan device `gpuDevice` (0: the CPU only).
    public var gpuLayers = 0
    public var gpuDevice: String?

    public init(request: CalibrationRequest, threads: Int, log: @escaping @Sendable (String) -> Void) {
        self.request = request
        self.threads = threads
        self.log = log
    }

    public func build(for view: ModelView) throws -> ImportanceMatrix {
        let tokenizer = try TokenizerFactory.make(metadata: view.metadata)
        let drawn = try request.drawChunks(tokenizer: tokenizer, log: log)
        var collector = ActivationCollector(threads: threads, log: log)
        collector.gpuLayers = gpuLayers
        collector.gpuDevice = gpuDevice
        let model = try collector.model(for: view)
        let statistics = try collector.collect(model: model, chunks: drawn.chunks,
                                               include: ColumnStatistics.importanceMatrixSelection(
                                                   includeOutput: includeOutput))
        return try ImportanceMatrix(statistics: statistics, datasets: drawn.datasets, chunkCount: drawn.chunks.count,
                                    chunkSize: request.contextLength)
    }
}
