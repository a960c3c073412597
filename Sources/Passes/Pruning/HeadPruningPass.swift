import Conversion
import FileSupport
import Foundation
import GGUF
import Inference
import Models
import Tokenizers

/// Removes the attention heads that matter least (Michel et al. 2019; FLAP, An et al. 2024),
/// shrinking the attention weights, and with ``PruneGranularity/group`` the KV cache.
///
/// Heads are scored (``PruneMethod``), grouped into units llama.cpp's grouped-query attention can
/// lose (``PruneGranularity``), and the lowest-scoring units over the whole model go, each layer
/// keeping at least one. Equal counts in every layer keep the architecture; different counts
/// make a llama model llama.cpp's `deci`, which reads head counts per layer. With compensation,
/// the removed heads' mean output on the calibration text is added to `attn_output.bias`.
public struct HeadPruningPass: ModelPass {
    public var amount: PruneAmount
    /// The amount as the user wrote it, for messages.
    public var amountText: String
    public var method: PruneMethod = .importance
    public var granularity: PruneGranularity = .group
    /// Add the removed heads' mean contribution as an output bias (FLAP's compensation; measured
    /// worse than none on SmolLM2 with the default scores, see docs/pruning.md).
    public var compensate = false
    /// Remove the same number of units from every layer (keeps the source architecture).
    public var uniform = false
    /// Seed of ``PruneMethod/random``.
    public var seed: UInt64 = 0
    /// What a unit's error is divided by before units of different layers are compared.
    public enum ScoreScale: String, CaseIterable, Sendable {
        /// The energy of the residual stream leaving the layer (layers with a larger stream are not
        /// protected for that alone).
        case stream
        /// The layer's attention output energy (the share of the layer's own heads).
        case attention
        /// Nothing.
        case absolute
    }

    public var scoreScale = ScoreScale.attention
    /// Scoring rounds: each removes its share of the units, then the rest are scored again.
    public var rounds = 1
    public var request: CalibrationRequest

    public init(amount: PruneAmount, amountText: String, request: CalibrationRequest) {
        self.amount = amount
        self.amountText = amountText
        self.request = request
    }

    public var name: String { "prune-heads" }
    public var stage: PassStage { .pruning }
    public var requirements: PassRequirements { needsCalibration ? [.calibration, .fullPrecisionWeights] : [.fullPrecisionWeights] }
    public var effects: PassEffects { [.tensorData, .tensorShapes, .metadata] }

    private var needsCalibration: Bool { method == .importance || compensate }

    public func apply(to model: inout ModelView, context: PassContext) throws -> PassOutcome {
        let start = Date()
        let source = model.source.location
        let hyper: ModelHyperParameters
        do {
            hyper = try ModelHyperParameters(metadata: model.metadata, source: source)
        } catch {
            throw PruningError.unsupportedModel(source: source, reason: "\(error)")
        }
        let shapes = (0 ..< hyper.layerCount).map {
            LayerHeads(heads: hyper.headCounts[$0], keyValueHeads: hyper.keyValueHeadCounts[$0])
        }
        let arch = hyper.architecture
        // Only llama's graph has a per-layer twin in llama.cpp (deci); the others need equal counts.
        let perLayerAllowed = arch == "llama" || arch == "deci"
        let uniform = self.uniform || !perLayerAllowed
        if !perLayerAllowed, !self.uniform {
            context.log("prune-heads: \(arch) has no llama.cpp architecture with per-layer head counts; "
                + "removing the same number of units from every layer")
        }

        // Units and how many to take.
        let unitHeads = shapes.map { granularity == .group ? $0.groupSize : $0.keyValueHeads }
        let unitsPerLayer = shapes.map { granularity == .group ? $0.keyValueHeads : $0.groupSize }
        let totalHeads = shapes.reduce(0) { $0 + $1.heads }
        guard unitsPerLayer.contains(where: { $0 > 1 }) else {
            throw PruningError.unsupportedModel(source: source, reason: granularity == .group
                ? "every layer has a single key/value group; try --prune-granularity query"
                : "every layer has one query head per key/value head; try --prune-granularity group")
        }
        let asked = amount.heads(of: totalHeads)
        let meanUnit = Double(unitHeads.reduce(0, +)) / Double(max(unitHeads.count, 1))
        var unitCount = Int((asked / meanUnit).rounded())
        if uniform { unitCount = Int((Double(unitCount) / Double(hyper.layerCount)).rounded()) * hyper.layerCount }
        let removable = uniform ? (unitsPerLayer.min()! - 1) * hyper.layerCount
            : unitsPerLayer.reduce(0) { $0 + $1 - 1 }
        let removableHeads = zip(unitsPerLayer, unitHeads).reduce(0) { $0 + ($1.0 - 1) * $1.1 }
        if case let .count(count) = amount, count > totalHeads {
            throw PruningError.tooManyHeads(text: amountText, requested: count, removable: removableHeads, total: totalHeads)
        }
        guard unitCount > 0 else {
            throw PruningError.nothingToRemove(text: amountText, unitHeads: uniform ? Int(meanUnit) * hyper.layerCount
                : Int(meanUnit))
        }
        guard unitCount <= removable else {
            throw PruningError.tooManyHeads(text: amountText, requested: Int(asked.rounded()),
                                            removable: uniform ? removable * Int(meanUnit) : removableHeads,
                                            total: totalHeads)
        }

        // Rounds: each re-measures the model the earlier rounds left, so a unit's score reflects
        // the heads already gone (in its own layer and upstream) and the biases added for them.
        let rounds = max(1, min(self.rounds, unitCount))
        var random = SeededGenerator(seed: seed)
        let product = DenseProduct(threads: context.threads)
        var bytesBefore = 0, bytesAfter = 0, parametersRemoved = 0
        for round in 0 ..< rounds {
            var count = unitCount * (round + 1) / rounds - unitCount * round / rounds
            if uniform {
                let perLayer = unitCount / hyper.layerCount
                count = (perLayer * (round + 1) / rounds - perLayer * round / rounds) * hyper.layerCount
            }
            guard count > 0 else { continue }
            let change = try pruneRound(&model, count: count, uniform: uniform, random: &random, product: product,
                                        context: context)
            bytesBefore += change.bytesBefore
            bytesAfter += change.bytesAfter
            parametersRemoved += change.parametersRemoved
            if rounds > 1 {
                context.log("prune-heads: round \(round + 1)/\(rounds): removed \(count) units")
            }
        }
        let final = try ModelHyperParameters(metadata: model.metadata, source: source)
        let outputArch = final.architecture
        model.metadata["ggufkit.prune_heads.method"] = .string(method.rawValue)
        model.metadata["ggufkit.prune_heads.granularity"] = .string(granularity.rawValue)
        model.metadata["ggufkit.prune_heads.compensation"] = .bool(compensate)
        model.metadata["ggufkit.prune_heads.rounds"] = .uint32(UInt32(rounds))
        model.metadata["ggufkit.prune_heads.original_head_count"] = .int32s(hyper.headCounts.map { Int32($0) })
        model.metadata["ggufkit.prune_heads.original_head_count_kv"] = .int32s(hyper.keyValueHeadCounts.map { Int32($0) })

        // Report.
        let removed = totalHeads - final.headCounts.reduce(0, +)
        let totalKV = shapes.reduce(0) { $0 + $1.keyValueHeads }
        let removedKVCount = totalKV - final.keyValueHeadCounts.reduce(0, +)
        let unitText = granularity == .group ? "whole KV groups" : "one query head per KV group"
        context.log(String(format: "prune-heads: %@, units of %@: removed %d of %d query heads (%@ asked, %.1f%% removed), "
            + "%d of %d KV heads", method.rawValue, unitText, removed, totalHeads, amountText,
                           100 * Double(removed) / Double(totalHeads), removedKVCount, totalKV))
        for layer in 0 ..< hyper.layerCount where final.headCounts[layer] != shapes[layer].heads {
            context.log("prune-heads: layer \(layer): heads \(shapes[layer].heads) -> \(final.headCounts[layer]), KV heads "
                + "\(shapes[layer].keyValueHeads) -> \(final.keyValueHeadCounts[layer])")
        }
        let kvBytesPer1k = 1000 * removedKVCount * (hyper.keyLength + hyper.valueLength) * 2
        context.log(String(format: "prune-heads: %d parameters removed; tensors %.2f MB smaller at this file type; "
            + "KV cache %.1f KB smaller per 1k tokens (F16 cache)", parametersRemoved,
                           Double(bytesBefore - bytesAfter) / 1e6, Double(kvBytesPer1k) / 1e3))
        if outputArch != arch {
            context.log("prune-heads: head counts differ between layers: writing llama.cpp's 'deci' architecture")
        }
        context.log(String(format: "prune-heads: done in %.1f s", Date().timeIntervalSince(start)))
        return PassOutcome()
    }

    /// Scores the model as it is now, removes the `count` lowest-scoring units and updates the
    /// head counts (renaming `llama` to `deci` once layers differ).
    private func pruneRound(_ model: inout ModelView, count: Int, uniform: Bool, random: inout SeededGenerator,
                            product: DenseProduct, context: PassContext) throws
        -> (bytesBefore: Int, bytesAfter: Int, parametersRemoved: Int) {
        let hyper = try ModelHyperParameters(metadata: model.metadata, source: model.source.location)
        let arch = hyper.architecture
        let shapes = (0 ..< hyper.layerCount).map {
            LayerHeads(heads: hyper.headCounts[$0], keyValueHeads: hyper.keyValueHeadCounts[$0])
        }
        var statistics: [HeadStatistics]?
        if needsCalibration {
            statistics = try measure(model, hyper: hyper, context: context, product: product)
        }
        let scores = try headScores(model, hyper: hyper, statistics: statistics, random: &random)
        let layers = (0 ..< hyper.layerCount).map { layer in
            PruningPlanner.units(layer: layer, shape: shapes[layer], granularity: granularity,
                                 headScores: scores.heads[layer], groupScores: scores.groups[layer])
        }
        let chosen = PruningPlanner.choose(layers, count: count, uniform: uniform)

        // Rewrite.
        var removedHeads = [Set<Int>](repeating: [], count: hyper.layerCount)
        var removedKV = [Set<Int>](repeating: [], count: hyper.layerCount)
        for unit in chosen {
            removedHeads[unit.layer].formUnion(unit.heads)
            removedKV[unit.layer].formUnion(unit.keyValueHeads)
        }
        var bytesBefore = 0, bytesAfter = 0, parametersRemoved = 0
        for layer in 0 ..< hyper.layerCount where !removedHeads[layer].isEmpty {
            let kept = (0 ..< shapes[layer].heads).filter { !removedHeads[layer].contains($0) }
            let keptKV = (0 ..< shapes[layer].keyValueHeads).filter { !removedKV[layer].contains($0) }
            var bias: [Float]?
            if compensate, let statistics {
                let stats = statistics[layer]
                var sum = [Double](repeating: 0, count: hyper.embeddingLength)
                for head in removedHeads[layer] {
                    for k in sum.indices { sum[k] += stats.headSum[head][k] }
                }
                bias = sum.map { Float($0 / Double(max(stats.tokens, 1))) }
            }
            let change = try rewrite(layer: layer, in: &model, hyper: hyper, keptHeads: kept, keptKV: keptKV,
                                     compensation: bias, context: context)
            bytesBefore += change.bytesBefore
            bytesAfter += change.bytesAfter
            parametersRemoved += change.parametersRemoved
        }

        // Metadata.
        let newHeads = (0 ..< hyper.layerCount).map { shapes[$0].heads - removedHeads[$0].count }
        let newKV = (0 ..< hyper.layerCount).map { shapes[$0].keyValueHeads - removedKV[$0].count }
        let uniformOutput = Set(newHeads).count == 1 && Set(newKV).count == 1
        var outputArch = arch
        if !uniformOutput, arch == "llama" {
            outputArch = DeciDescriptor().ggufName
            model.metadata = GGUFMetadata(model.metadata.entries.map { entry in
                let key = entry.key.hasPrefix("llama.") ? "deci." + entry.key.dropFirst("llama.".count) : entry.key
                return (key, key == GGUFKey.architecture ? .string(outputArch) : entry.value)
            })
        }
        model.metadata[GGUFKey.attentionHeadCount(outputArch)] = LlamaFamily.perLayer(newHeads)
        model.metadata[GGUFKey.attentionHeadCountKV(outputArch)] = LlamaFamily.perLayer(newKV)
        // llama.cpp derives the head width from the first layer's count unless told.
        model.metadata[GGUFKey.attentionKeyLength(outputArch)] = .uint32(UInt32(hyper.keyLength))
        model.metadata[GGUFKey.attentionValueLength(outputArch)] = .uint32(UInt32(hyper.valueLength))

        return (bytesBefore, bytesAfter, parametersRemoved)
    }

    /// Runs the calibration text through the model layer by layer and measures every head.
    private func measure(_ model: ModelView, hyper: ModelHyperParameters, context: PassContext,
                         product: DenseProduct) throws -> [HeadStatistics] {
        let tokenizer = try TokenizerFactory.make(metadata: model.metadata)
        let chunks = try request.drawChunks(tokenizer: tokenizer, log: context.log).chunks
        // No weight cache: each layer runs once, so caching would only hold memory.
        var options = InferenceOptions(threads: context.threads, weightCacheBytes: 0)
        options.gpuLayers = context.gpuLayers
        options.gpuDevice = context.gpuDevice
        let network = try LlamaModel(source: try ViewWeightSource.make(view: model), options: options)
        let rows = chunks.reduce(0) { $0 + $1.count }
        let start = Date()
        var stream = try network.runLayers(0 ..< 0, sequences: chunks, input: nil)
        var result: [HeadStatistics] = []
        for layer in 0 ..< hyper.layerCount {
            let name = "blk.\(layer).attn_output.weight"
            let capture = InputCapture([name])
            stream = try network.runLayers(layer ..< layer + 1, sequences: chunks, input: stream, tap: capture)
            guard let attended = capture.inputs[name] else {
                throw PruningError.unexpectedTensor(name: name, dimensions: [], expected: "calibration input")
            }
            let heads = hyper.headCounts[layer]
            result.append(HeadStatistics.measure(
                attended: attended.values, rows: rows, heads: heads, groupSize: heads / hyper.keyValueHeadCounts[layer],
                valueLength: hyper.valueLength, output: try model.floats(of: name), width: hyper.embeddingLength,
                stream: stream, product: product))
            if layer == hyper.layerCount - 1 || (layer + 1) % 8 == 0 {
                context.log(String(format: "prune-heads: measured %d/%d layers (%.0f s, peak RSS %.2f GB)", layer + 1,
                                   hyper.layerCount, Date().timeIntervalSince(start), Double(ProcessMemory.peakResidentBytes) / 1e9))
            }
        }
        return result
    }

    /// One score per query head and, where the method measures groups as a whole, per KV group.
    private func headScores(_ model: ModelView, hyper: ModelHyperParameters, statistics: [HeadStatistics]?,
                            random: inout SeededGenerator) throws -> (heads: [[Double]], groups: [[Double]?]) {
        var heads: [[Double]] = [], groups: [[Double]?] = []
        for layer in 0 ..< hyper.layerCount {
            let count = hyper.headCounts[layer], kvCount = hyper.keyValueHeadCounts[layer]
            let size = count / kvCount
            switch method {
            case .importance:
                let stats = statistics![layer]
                let reference = switch scoreScale {
                case .stream: stats.streamEnergy
                case .attention: stats.headEnergy.reduce(0, +)
                case .absolute: 1.0
                }
                let scale = 1 / max(reference, .leastNormalMagnitude)
                heads.append((0 ..< count).map {
                    stats.error(energy: stats.headEnergy[$0], sum: stats.headSum[$0], compensated: compensate) * scale
                })
                groups.append((0 ..< kvCount).map { group in
                    var sum = [Double](repeating: 0, count: hyper.embeddingLength)
                    for head in group * size ..< (group + 1) * size {
                        for k in sum.indices { sum[k] += stats.headSum[head][k] }
                    }
                    return stats.error(energy: stats.groupEnergy[group], sum: sum, compensated: compensate) * scale
                })
            case .norm:
                let prefix = "blk.\(layer)."
                let value = try model.floats(of: prefix + "attn_v.weight")
                let output = try model.floats(of: prefix + "attn_output.weight")
                let width = hyper.embeddingLength, length = hyper.valueLength
                let valueNorms = (0 ..< kvCount).map { kv -> Double in
                    let slice = value[kv * length * width ..< (kv + 1) * length * width]
                    return slice.reduce(0) { $0 + Double($1 * $1) }.squareRoot()
                }
                heads.append((0 ..< count).map { head -> Double in
                    var sum: Double = 0
                    for row in 0 ..< width {
                        for k in 0 ..< length {
                            let x = Double(output[row * count * length + head * length + k])
                            sum += x * x
                        }
                    }
                    return sum.squareRoot() * valueNorms[head / size]
                })
                groups.append(nil)
            case .random:
                heads.append((0 ..< count).map { _ in random.nextUnit() })
                groups.append(nil)
            }
        }
        return (heads, groups)
    }

    /// Shrinks one layer's attention tensors to the kept heads and adds the compensation bias.
    private func rewrite(layer: Int, in model: inout ModelView, hyper: ModelHyperParameters, keptHeads: [Int],
                         keptKV: [Int], compensation: [Float]?, context: PassContext) throws
        -> (bytesBefore: Int, bytesAfter: Int, parametersRemoved: Int) {
        let prefix = "blk.\(layer)."
        let dk = hyper.keyLength, dv = hyper.valueLength, width = hyper.embeddingLength
        var before = 0, after = 0, removed = 0
        func bytes(_ name: String, _ dims: [Int]) -> Int {
            context.plannedType(name, dims).byteCount(elements: dims.reduce(1, *)) ?? 0
        }
        func keepRows(_ suffix: String, heads: [Int], rowsPerHead: Int) throws {
            let name = prefix + suffix
            guard let tensor = model.tensor(named: name) else {
                if suffix.hasSuffix(".bias") { return }
                throw ConversionError.missingTensor(tensor: name, directory: model.source.location)
            }
            let rowLength = tensor.dimensions.count == 1 ? 1 : tensor.rowLength
            let values = try model.floats(of: name)
            var kept: [Float] = []
            kept.reserveCapacity(heads.count * rowsPerHead * rowLength)
            for head in heads {
                let start = head * rowsPerHead * rowLength
                kept += values[start ..< start + rowsPerHead * rowLength]
            }
            let dims = tensor.dimensions.count == 1 ? [kept.count] : [rowLength, heads.count * rowsPerHead]
            before += bytes(name, tensor.dimensions)
            after += bytes(name, dims)
            removed += values.count - kept.count
            try model.replace(name, values: kept, dimensions: dims)
        }
        try keepRows("attn_q.weight", heads: keptHeads, rowsPerHead: dk)
        try keepRows("attn_k.weight", heads: keptKV, rowsPerHead: dk)
        try keepRows("attn_v.weight", heads: keptKV, rowsPerHead: dv)
        try keepRows("attn_q.bias", heads: keptHeads, rowsPerHead: dk)
        try keepRows("attn_k.bias", heads: keptKV, rowsPerHead: dk)
        try keepRows("attn_v.bias", heads: keptKV, rowsPerHead: dv)

        let outputName = prefix + "attn_output.weight"
        guard let output = model.tensor(named: outputName) else {
            throw ConversionError.missingTensor(tensor: outputName, directory: model.source.location)
        }
        let oldWidth = hyper.headCounts[layer] * dv
        guard output.dimensions == [oldWidth, width] else {
            throw PruningError.unexpectedTensor(name: outputName, dimensions: output.dimensions,
                                                expected: "[\(oldWidth), \(width)]")
        }
        let values = try model.floats(of: outputName)
        let newWidth = keptHeads.count * dv
        var kept = [Float](repeating: 0, count: newWidth * width)
        for row in 0 ..< width {
            for (index, head) in keptHeads.enumerated() {
                for k in 0 ..< dv { kept[row * newWidth + index * dv + k] = values[row * oldWidth + head * dv + k] }
            }
        }
        before += bytes(outputName, output.dimensions)
        after += bytes(outputName, [newWidth, width])
        removed += values.count - kept.count
        try model.replace(outputName, values: kept, dimensions: [newWidth, width])

        if let compensation, compensation.contains(where: { $0 != 0 }) {
            let biasName = prefix + "attn_output.bias"
            if model.tensor(named: biasName) != nil {
                let existing = try model.floats(of: biasName)
                try model.replace(biasName, values: zip(existing, compensation).map { $0 + $1 })
            } else {
                try model.insert(biasName, values: compensation, dimensions: [width], after: outputName)
                after += width * 4
            }
        }
        return (before, after, removed)
    }
}
