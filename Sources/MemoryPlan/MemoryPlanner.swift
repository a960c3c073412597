/// llama.cpp's compute buffer for one micro-batch, estimated. Its graph allocator reuses memory
/// between operations, so the peak is the larger of two stages: the output (logits for every
/// token of the micro-batch, with the last hidden states) and attention (the F16 mask over the
/// whole cache, with the FFN (gate, up and their product) and residual activations).
public struct ComputeEstimate: Sendable, Equatable {
    /// Tokens per micro-batch: llama.cpp's `n_ubatch` (512), at most the context asked for
    /// (llama.cpp caps the batch before it pads the context).
    public var microBatch: Int
    public var outputStage: Int
    public var attentionStage: Int
    public var bytes: Int { max(outputStage, attentionStage) }

    public init(model: ModelMemory, context: Int, cells: Int, microBatch: Int = 512) {
        let tokens = max(1, min(microBatch, context))
        self.microBatch = tokens
        outputStage = model.vocabularySize * tokens * 4 + 2 * model.embeddingLength * tokens * 4
        attentionStage = cells * tokens * 2 + 3 * model.feedForwardLength * tokens * 4 + 4 * model.embeddingLength * tokens * 4
    }
}

/// Where the memory goes with `gpuLayers` offloaded, counted as llama.cpp's `-ngl` (Ollama's
/// `num_gpu`) counts: the last `gpuLayers` layers go to the GPU with their KV cache, and a count
/// past the layers also offloads the output layer. The input embedding stays on the CPU.
public struct Placement: Sendable, Equatable {
    public var gpuLayers: Int
    public var gpuWeights: Int
    public var gpuKV: Int
    public var gpuCompute: Int
    public var cpuWeights: Int
    public var cpuKV: Int
    public var cpuCompute: Int
    /// Logits of one token, kept on the host (`output buffer size`).
    public var outputBuffer: Int

    public var gpuTotal: Int { gpuWeights + gpuKV + gpuCompute }
    public var cpuTotal: Int { cpuWeights + cpuKV + cpuCompute + outputBuffer }

    public init(model: ModelMemory, kv: KVCacheSize, compute: ComputeEstimate, gpuLayers: Int) {
        let layers = model.layerCount
        let offloaded = min(max(gpuLayers, 0), layers)
        let outputOnGPU = gpuLayers > layers
        self.gpuLayers = min(max(gpuLayers, 0), layers + 1)
        let gpuRange = (layers - offloaded) ..< layers
        let layerBytes = model.layers[gpuRange].reduce(0) { $0 + $1.bytes }
        gpuWeights = layerBytes + (outputOnGPU ? model.outputBytes + model.tiedCopyBytes : 0)
        gpuKV = kv.bytes(layers: gpuRange)
        gpuCompute = self.gpuLayers > 0 ? compute.bytes : 0
        cpuWeights = model.inputBytes + model.layers.reduce(0) { $0 + $1.bytes } - layerBytes
            + (outputOnGPU ? 0 : model.outputBytes)
        cpuKV = kv.totalBytes - gpuKV
        // With everything offloaded the host keeps only the input embeddings of a micro-batch.
        cpuCompute = outputOnGPU ? model.embeddingLength * compute.microBatch * 4 : compute.bytes
        outputBuffer = model.vocabularySize * 4
    }
}

/// A memory plan: the figures for one context and cache type and, given the GPU's memory, the
/// offload that fits.
public struct MemoryPlan: Sendable {
    public var model: ModelMemory
    public var kv: KVCacheSize
    public var compute: ComputeEstimate
    /// Everything on the CPU: what llama.cpp's load log describes without a GPU.
    public var cpuOnly: Placement
    /// The most layers that fit in `vram`, when it was given.
    public var fitted: Placement?
    public var vram: Int?
    public var ram: Int?
    /// Whether the context was chosen as the longest that fits with every layer on the GPU.
    public var contextWasFitted: Bool

    /// The layers and context llama.cpp and Ollama should be given.
    public var gpuLayers: Int? { fitted?.gpuLayers }
    public var allOnGPU: Bool { fitted.map { $0.gpuLayers == model.layerCount + 1 } ?? false }
    public var ramFits: Bool? { ram.map { (fitted ?? cpuOnly).cpuTotal <= $0 } }
}

/// Computes memory plans.
public enum MemoryPlanner {
    /// With `context`, the figures for it and (given `vram`) the most layers that fit. Without,
    /// given `vram`: the longest context (a multiple of 256, at most the training context) with
    /// every layer and the output on the GPU, or the training context with as many layers as fit
    /// when not even 256 tokens do; without `vram` either: the training context.
    public static func plan(_ model: ModelMemory, context: Int?, cacheType: KVCacheType = .f16,
                            vram: Int? = nil, ram: Int? = nil) -> MemoryPlan {
        let all = model.layerCount + 1
        let trained = model.trainingContext > 0 ? model.trainingContext : 4096
        func parts(_ context: Int) -> (KVCacheSize, ComputeEstimate) {
            let kv = KVCacheSize(model: model, context: context, type: cacheType)
            return (kv, ComputeEstimate(model: model, context: context, cells: kv.cells))
        }
        var chosen = context ?? trained
        var fitted = false
        if context == nil, let vram {
            var best: Int?
            var candidate = KVCacheSize.contextPadding
            let limit = KVCacheSize.cells(forContext: trained)
            while candidate <= limit {
                let (kv, compute) = parts(candidate)
                guard Placement(model: model, kv: kv, compute: compute, gpuLayers: all).gpuTotal <= vram else { break }
                best = candidate
                candidate += KVCacheSize.contextPadding
            }
            if let best {
                chosen = min(best, trained)
                fitted = true
            }
        }
        let (kv, compute) = parts(chosen)
        let fit = vram.map { vram in
            (0 ... all).reversed().lazy.map { Placement(model: model, kv: kv, compute: compute, gpuLayers: $0) }
                .first { $0.gpuTotal <= vram } ?? Placement(model: model, kv: kv, compute: compute, gpuLayers: 0)
        }
        return MemoryPlan(model: model, kv: kv, compute: compute,
                          cpuOnly: Placement(model: model, kv: kv, compute: compute, gpuLayers: 0),
                          fitted: fit, vram: vram, ram: ram, contextWasFitted: fitted)
    }
}
