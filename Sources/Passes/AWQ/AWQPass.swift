import Conversion
import FileSupport
import Foundation
import GGUF
import Inference
import Models
import Tokenizers

/// Activation-aware weight scaling (AWQ, Lin et al. 2023) searched for the ggml type each tensor
/// will actually be written in.
///
/// Layer by layer, for each ``ScaleGroup``, it tries per-column scales `s = mean|x|^α` over a grid
/// of `α`, rounds the scaled weights through their planned ggml type and back, and keeps the `α`
/// whose outputs on the calibration inputs are closest to the original's. The scales are folded
/// into the weights (columns × s, the absorbing norm or rows ÷ s), so the written file is an
/// ordinary GGUF that computes the same function in full precision. Each layer's inputs come from
/// the layers before it as they will be quantized, so errors compound as they will in the file.
public struct AWQPass: ModelPass {
    public var request: CalibrationRequest
    /// `α` values tried (0, 1/grid, …).
    public var grid = 20
    /// Calibration rows the output error is measured on.
    public var errorRows = 2048
    /// Search as if every matrix were written in this type (the written type still comes from
    /// the file type): lets a float output check that the folding is exact.
    public var searchType: GGMLType?

    public init(request: CalibrationRequest) {
        self.request = request
    }

    public var name: String { "awq" }
    public var stage: PassStage { .scaling }
    public var requirements: PassRequirements { [.calibration, .fullPrecisionWeights] }
    public var effects: PassEffects { [.tensorData, .metadata] }

    public func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome {
        let start = Date()
        let product = DenseProduct(threads: context.threads)
        let tokenizer = try TokenizerFactory.make(metadata: model.metadata)
        let drawn = try request.drawChunks(tokenizer: tokenizer, log: context.log)
        let chunks = drawn.chunks
        let base = try ViewWeightSource.make(view: model)
        let hyper = base.hyperParameters
        // No weight cache for the original: it never evicts, so it would hold the first layers'
        // decoded weights for the whole run; decoding each layer once per chunk costs far less
        // than the search.
        var options = InferenceOptions(threads: context.threads, weightCacheBytes: 0)
        options.gpuLayers = context.gpuLayers
        options.gpuDevice = context.gpuDevice
        let original = try LlamaModel(source: base, options: options)
        var search = ScaleSearch(grid: grid, errorRows: errorRows, product: product)
        search.importanceWeighted = context.importanceFollows

        var stream = try original.runLayers(0 ..< 0, sequences: chunks, input: nil)
        var alphas: [Float] = []
        for layer in 0 ..< hyper.layerCount {
            let groups = ScaleGroups.llamaFamily(layer: layer, heads: hyper.headCounts[layer],
                                                 keyValueHeads: hyper.keyValueHeadCounts[layer])
            let capture = InputCapture(groups.map { $0.weights[0] })
            _ = try original.runLayers(layer ..< layer + 1, sequences: chunks, input: stream, tap: capture)

            var current: [String: [Float]] = [:]
            let names = Set(groups.flatMap { group -> [String] in
                switch group.absorber {
                case let .normWeight(name), let .matrixRows(name): group.weights + [name]
                }
            })
            for name in names.sorted() { current[name] = try model.floats(of: name) }
            var summary: [String] = []
            var importanceOf: [String: [Float]] = [:]
            for group in groups {
                guard let input = capture.inputs[group.weights[0]] else {
                    throw ConversionError.invalidOption("awq: no calibration input reached \(group.weights[0])")
                }
                let columns = input.columns
                let weights = try group.weights.map { name -> ScaleSearch.Weight in
                    let tensor = try requireTensor(name, in: model)
                    return ScaleSearch.Weight(name: name, values: current[name]!, rows: tensor.rowCount,
                                              type: searchType ?? context.plannedType(name, tensor.dimensions))
                }
                let result = search.search(input: input.values, columns: columns, weights: weights)
                alphas.append(Float(result.alpha))
                for weight in weights { importanceOf[weight.name] = result.importance }
                summary.append(String(format: "%@ α=%.2f (error ×%.3f)", group.label, result.alpha,
                                      result.plainError > 0 ? result.bestError / result.plainError : 1))
                guard result.alpha > 0 else { continue }
                for weight in weights {
                    current[weight.name] = Self.scaleColumns(current[weight.name]!, columns: columns, by: result.scales)
                }
                switch group.absorber {
                case let .normWeight(name):
                    current[name] = zip(current[name]!, result.scales).map { $0 / $1 }
                case let .matrixRows(name):
                    current[name] = try Self.divideRows(current[name]!, rowLength: requireTensor(name, in: model).rowLength,
                                                        by: result.scales)
                    let bias = name.replacingOccurrences(of: ".weight", with: ".bias")
                    if model.tensor(named: bias) != nil {
                        let values = try model.floats(of: bias)
                        try model.replace(bias, values: zip(values, result.scales).map { $0 / $1 })
                    }
                }
            }
            for name in names.sorted() where current[name] != nil {
                try model.replace(name, values: current[name]!)
            }
            var memory = String(format: ", peak RSS %.2f GB", Double(ProcessMemory.peakResidentBytes) / 1e9)
            if let resident = ProcessMemory.residentBytes {
                memory = String(format: ", RSS %.2f GB", Double(resident) / 1e9) + memory
            }
            context.log("awq: layer \(layer + 1)/\(hyper.layerCount): " + summary.joined(separator: ", ")
                + String(format: " (%.0f s", Date().timeIntervalSince(start)) + memory + ")")

            // The next layer sees this one as the file will hold it: scaled, then rounded.
            var overlay: [String: (dimensions: [Int], values: [Float])] = [:]
            for name in names.sorted() {
                let tensor = try requireTensor(name, in: model)
                var values = current.removeValue(forKey: name)!
                if tensor.dimensions.count >= 2 {
                    values = FakeQuantizer.roundTrip(values, rows: tensor.rowCount, columns: tensor.rowLength,
                                                     type: searchType ?? context.plannedType(name, tensor.dimensions),
                                                     importance: importanceOf[name], product: product)
                }
                overlay[name] = (tensor.dimensions, ViewWeightSource.huggingFaceLayout(values, of: tensor, in: model))
            }
            let trial = try LlamaModel(source: OverlayWeightSource(base: base, overlay: overlay), options: options)
            stream = try trial.runLayers(layer ..< layer + 1, sequences: chunks, input: stream)
        }

        model.metadata["ggufkit.awq.dataset"] = .string(drawn.datasets.first ?? "")
        model.metadata["ggufkit.awq.chunks"] = .uint32(UInt32(chunks.count))
        model.metadata["ggufkit.awq.chunk_size"] = .uint32(UInt32(request.contextLength))
        model.metadata["ggufkit.awq.grid"] = .uint32(UInt32(grid))
        model.metadata["ggufkit.awq.search_type"] = .string(searchType?.name ?? "file type policy")
        model.metadata["ggufkit.awq.alphas"] = .array(.float32, alphas.map { .float32($0) })
        context.log(String(format: "awq: %d layers in %.1f s", hyper.layerCount, Date().timeIntervalSince(start)))
        return PassOutcome()
    }

    private func requireTensor(_ name: String, in model: ModelView) throws -> PlannedTensor {
        guard let tensor = model.tensor(named: name) else {
            throw ConversionError.missingTensor(tensor: name, directory: model.source.location)
        }
        return tensor
    }

    static func scaleColumns(_ values: [Float], columns: Int, by scales: [Float]) -> [Float] {
        var result = values
        for index in result.indices { result[index] *= scales[index % columns] }
        return result
    }

    static func divideRows(_ values: [Float], rowLength: Int, by scales: [Float]) -> [Float] {
        var result = values
        for index in result.indices { result[index] /= scales[index / rowLength] }
        return result
    }
}
