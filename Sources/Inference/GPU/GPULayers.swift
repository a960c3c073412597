import GGUF
import GPU
import Quantization

/// Transformer blocks run on a Vulkan device: the last layers of the model, as llama.cpp's `-ngl` places
/// them. Weights are uploaded once when the model loads; a forward pass sends the residual stream and the
/// RoPE tables in, runs every GPU layer back to back on the device, and reads the stream back, so
/// per-token traffic is activations only. Keys and values of these layers stay in device memory.
///
/// The block mirrors ``ForwardPass``'s CPU block: the same activation rounding before each product
/// (llama.cpp's vec_dot types), the same RoPE tables, the same order of residual adds.
final class GPULayers: @unchecked Sendable {
    // @unchecked: scratch buffers change only inside `run`, which ``LlamaModel`` serialises.
    let device: GPUDevice
    let layers: Range<Int>
    private let hyper: ModelHyperParameters
    private let ropeStyle: GPURopeStyle
    private let ropePairs: Int
    private let weights: [LayerBuffers]
    /// Device bytes held by the weights.
    let weightBytes: Int
    private var scratch: [String: GPUBuffer] = [:]
    /// The calibration tap of the pass now running (``run``), shown every product's input.
    private var tap: (any ActivationTap)?

    /// One projection (Q/K/V, gate/up, ...) as uploaded: one buffer per part.
    struct Linear {
        struct Part {
            let buffer: GPUBuffer
            /// The tensor's name, as activation taps ask for it.
            let name: String
            let type: GGMLType
            let rows: Int
            let rowOffset: Int
            let rounding: GPUActivationRounding?
        }
        let parts: [Part]
        let rows: Int
        let columns: Int
    }

    struct LayerBuffers {
        let attentionNorm: GPUBuffer
        let qkv: Linear
        let qkvBias: GPUBuffer?
        let output: Linear
        let outputBias: GPUBuffer?
        let feedForwardNorm: GPUBuffer
        let gateUp: Linear
        let down: Linear
    }

    init(device: GPUDevice, layers: Range<Int>, hyper: ModelHyperParameters, weights: ModelWeights,
         rope: Rope) throws(InferenceError) {
        self.device = device
        self.layers = layers
        self.hyper = hyper
        ropeStyle = rope.style == .halves ? .halves : .adjacentPairs
        ropePairs = rope.dimensions / 2
        estimate = Self.estimate(hyper: hyper, weights: weights)
        if let problem = estimate.problem(lastLayers: layers.count, available: device.info.memoryBytes,
                                          device: device.info.name) {
            throw .device(problem)
        }
        var uploaded: [LayerBuffers] = []
        var bytes = 0
        do {
            for layer in layers {
                let w = weights.layers[layer]
                if w.queryNorm != nil || w.keyNorm != nil {
                    throw InferenceError.device("layer \(layer) has per-head Q/K norms (qwen3), which the GPU path does not run yet")
                }
                func vector(_ values: [Float], _ name: String) throws -> GPUBuffer {
                    let buffer = try device.makeBuffer(byteCount: values.count * 4, label: "blk.\(layer).\(name)")
                    try buffer.write(values)
                    bytes += buffer.byteCount
                    return buffer
                }
                func linear(_ weights: LinearWeights) throws -> Linear {
                    var parts: [Linear.Part] = []
                    for (index, part) in weights.parts.enumerated() {
                        let type = part.tensor.type
                        guard GPUDevice.matrixProductTypes.contains(type) else {
                            throw InferenceError.device("\(part.tensor.name) is \(type.name), which has no GPU product yet "
                                + "(\(GPUDevice.matrixProductTypes.map(\.name).joined(separator: ", ")) have one)")
                        }
                        let rounding: GPUActivationRounding?
                        switch weights.roundings[index] {
                        case .none: rounding = nil
                        case .encoded(.q8_1): rounding = .q8_1
                        case .encoded(.q8_K): rounding = .q8_K
                        case .encoded(.f16): rounding = .f16
                        case .encoded(.bf16): rounding = .bf16
                        }
                        let buffer = try device.makeBuffer(byteCount: part.tensor.bytes.count, label: part.tensor.name)
                        try buffer.write(part.tensor.bytes)
                        bytes += buffer.byteCount
                        parts.append(Linear.Part(buffer: buffer, name: part.tensor.name, type: type, rows: part.rows,
                                                 rowOffset: weights.rowOffsets[index], rounding: rounding))
                    }
                    return Linear(parts: parts, rows: weights.rows, columns: weights.columns)
                }
                uploaded.append(LayerBuffers(
                    attentionNorm: try vector(w.attentionNorm, "attn_norm.weight"),
                    qkv: try linear(w.qkv),
                    qkvBias: try w.qkvBias.map { try vector($0, "attn_qkv.bias") },
                    output: try linear(w.output),
                    outputBias: try w.outputBias.map { try vector($0, "attn_output.bias") },
                    feedForwardNorm: try vector(w.feedForwardNorm, "ffn_norm.weight"),
                    gateUp: try linear(w.gateUp),
                    down: try linear(w.down)))
            }
        } catch let error as InferenceError {
            throw error
        } catch {
            throw .device(Self.describe(error, layers: layers, hyper: hyper))
        }
        self.weights = uploaded
        weightBytes = bytes
    }

    /// What the offloaded layers need on the device, without key/value caches (``checkCache(capacity:)``
    /// adds them when a session allocates its cache).
    let estimate: GPUMemoryEstimate

    /// Rows of activations the scratch estimate allows for (llama.cpp's default micro-batch).
    static let estimatedRows = 512

    /// Bytes each layer's uploads take (buffers are whole words) and the scratch of a pass of
    /// ``estimatedRows`` rows.
    static func estimate(hyper: ModelHyperParameters, weights: ModelWeights) -> GPUMemoryEstimate {
        func words(_ bytes: Int) -> Int { (bytes + 3) / 4 * 4 }
        func linear(_ weights: LinearWeights) -> Int { weights.parts.reduce(0) { $0 + words($1.tensor.bytes.count) } }
        var perLayer: [Int] = []
        var widest = 0
        for (layer, w) in weights.layers.enumerated() {
            let vectors = (w.attentionNorm.count + w.feedForwardNorm.count + (w.qkvBias?.count ?? 0)
                + (w.outputBias?.count ?? 0)) * 4
            perLayer.append(vectors + linear(w.qkv) + linear(w.output) + linear(w.gateUp) + linear(w.down))
            let width = hyper.embeddingLength
            let qkv = hyper.queryWidth(layer: layer) + hyper.keyWidth(layer: layer) + hyper.valueWidth(layer: layer)
            let inner = hyper.feedForwardLengths[layer]
            let attention = hyper.attentionWidth(layer: layer)
            // residual, normed, projected; Q/K/V; attention; gate/up; the rounded input of the widest product as
            // floats, as integers and its block scales (one per 32 values at most).
            let rounded = max(width, inner, attention)
            widest = max(widest, 3 * width + qkv + attention + 2 * inner + 2 * rounded + rounded / 32)
        }
        return GPUMemoryEstimate(layerWeightBytes: perLayer, scratchBytes: (widest + hyper.keyLength) * estimatedRows * 4)
    }

    /// Fails, naming what does not fit, when the offloaded layers' key/value caches for `capacity` tokens do
    /// not fit beside their weights.
    func checkCache(capacity: Int) throws(InferenceError) {
        var withCache = estimate
        for layer in layers {
            withCache.layerCacheBytes[layer] = capacity * (hyper.keyWidth(layer: layer) + hyper.valueWidth(layer: layer)) * 4
        }
        if let problem = withCache.problem(lastLayers: layers.count, available: device.info.memoryBytes,
                                           device: device.info.name) {
            throw .device(problem)
        }
    }

    /// A GPU error while loading, with a hint on how many layers might fit when memory ran out.
    private static func describe(_ error: any Error, layers: Range<Int>, hyper: ModelHyperParameters) -> String {
        let text = "\(error)"
        guard case GPUError.outOfDeviceMemory = error else { return text }
        let fewer = max(0, layers.count / 2)
        return "\(text); the \(layers.count) layers asked for do not fit: try --gpu-layers \(fewer)"
    }

    /// A scratch buffer of at least `floats` values, kept between passes.
    private func buffer(_ name: String, floats: Int) throws -> GPUBuffer {
        if let existing = scratch[name], existing.byteCount >= floats * 4 { return existing }
        let buffer = try device.makeBuffer(byteCount: max(floats, 1) * 4, label: name)
        scratch[name] = buffer
        return buffer
    }

    /// Runs `range` (within ``layers``) over `batch`: `x` (rows × embedding length) is read, updated on the
    /// device and written back.
    /// A `tap` sees each product's input as the CPU path shows it: read from the device before rounding.
    func run(_ range: Range<Int>, batch: TokenBatch, x: UnsafeMutablePointer<Float>, rope tables: RopeTables,
             cache: KeyValueCache?, tap: (any ActivationTap)? = nil) throws(InferenceError) {
        guard !range.isEmpty else { return }
        self.tap = tap
        defer { self.tap = nil }
        do {
            try runLayers(range, batch: batch, x: x, tables: tables, cache: cache)
        } catch let error as InferenceError {
            throw error
        } catch {
            throw .device("\(error)")
        }
    }

    private func runLayers(_ range: Range<Int>, batch: TokenBatch, x: UnsafeMutablePointer<Float>, tables: RopeTables,
                           cache: KeyValueCache?) throws {
        let rows = batch.rowCount
        let width = hyper.embeddingLength
        let stream = try buffer("residual", floats: rows * width)
        try stream.write(UnsafeRawBufferPointer(start: x, count: rows * width * 4))
        let cos = try buffer("rope cos", floats: rows * tables.pairs)
        let sin = try buffer("rope sin", floats: rows * tables.pairs)
        try cos.write(UnsafeRawBufferPointer(start: tables.cos, count: rows * tables.pairs * 4))
        try sin.write(UnsafeRawBufferPointer(start: tables.sin, count: rows * tables.pairs * 4))
        for layer in range {
            try attention(layer, batch: batch, stream: stream, cos: cos, sin: sin, cache: cache)
            try feedForward(layer, rows: rows, stream: stream)
        }
        x.update(from: stream.contents.bindMemory(to: Float.self).baseAddress!, count: rows * width)
    }

    /// `output[t · outputStride + offset_part + r] = W·input[t]` for every part, rounding the input first
    /// as the CPU path does for that part's type.
    private func apply(_ linear: Linear, input: GPUBuffer, inputStride: Int, rows: Int, output: GPUBuffer,
                       outputStride: Int) throws {
        if let tap {
            let names = linear.parts.map(\.name).filter { tap.wants($0) }
            if !names.isEmpty {
                // Buffers are host-visible and every dispatch has finished: the input is readable in place.
                let values = input.contents.bindMemory(to: Float.self)
                tap.observe(names, input: values.baseAddress!, rows: rows, columns: linear.columns, stride: inputStride)
            }
        }
        var rounded: (GPUActivationRounding, GPUBuffer, GPUBlockActivations?)?
        for part in linear.parts {
            var source = input, stride = inputStride
            var blocks: GPUBlockActivations?
            if let rounding = part.rounding {
                if rounded?.0 != rounding {
                    let target = try buffer("rounded input", floats: rows * linear.columns)
                    // The integers feed only the products' exact mode, which runs from perInvocationTokens tokens on:
                    // generation (fewer tokens) skips writing them.
                    var integers: GPUBlockActivations?
                    if rounding.blockSize > 1, rows >= GPUDevice.perInvocationTokens {
                        integers = GPUBlockActivations(
                            integers: try buffer("rounded input integers", floats: rows * linear.columns),
                            scales: try buffer("rounded input scales", floats: rows * linear.columns / rounding.blockSize))
                    }
                    try device.roundActivations(input, rows: rows, width: linear.columns, sourceStride: inputStride,
                                                into: target, rounding: rounding, blocks: integers)
                    rounded = (rounding, target, integers)
                }
                source = rounded!.1
                blocks = rounded!.2
                stride = linear.columns
            }
            try device.matrixProduct(weights: part.buffer, type: part.type, rows: part.rows, columns: linear.columns,
                                     input: source, inputStride: stride, tokens: rows, output: output,
                                     outputStride: outputStride, outputOffset: part.rowOffset, exact: blocks)
        }
    }

    private func attention(_ layer: Int, batch: TokenBatch, stream: GPUBuffer, cos: GPUBuffer, sin: GPUBuffer,
                           cache: KeyValueCache?) throws {
        let w = weights[layer - layers.lowerBound]
        let rows = batch.rowCount
        let width = hyper.embeddingLength
        let queryWidth = hyper.queryWidth(layer: layer)
        let keyWidth = hyper.keyWidth(layer: layer)
        let valueWidth = hyper.valueWidth(layer: layer)
        let stride = queryWidth + keyWidth + valueWidth
        let heads = hyper.headCounts[layer]
        let kvHeads = hyper.keyValueHeadCounts[layer]
        let attentionWidth = hyper.attentionWidth(layer: layer)

        let normed = try buffer("normed", floats: rows * width)
        try device.rmsNorm(input: stream, output: normed, width: width, rows: rows, epsilon: hyper.rmsNormEpsilon)
        try device.multiplyRows(normed, by: w.attentionNorm, width: width, rows: rows)
        let qkv = try buffer("qkv", floats: rows * stride)
        try apply(w.qkv, input: normed, inputStride: width, rows: rows, output: qkv, outputStride: stride)
        if let bias = w.qkvBias { try device.addRows(qkv, bias: bias, width: stride, rows: rows) }
        if ropePairs > 0 {
            try device.rope(qkv, cos: cos, sin: sin, rows: rows, heads: heads, pairs: ropePairs,
                            headStride: hyper.keyLength, rowStride: stride, offset: 0, style: ropeStyle)
            try device.rope(qkv, cos: cos, sin: sin, rows: rows, heads: kvHeads, pairs: ropePairs,
                            headStride: hyper.keyLength, rowStride: stride, offset: queryWidth, style: ropeStyle)
        }

        let attended = try buffer("attention", floats: rows * attentionWidth)
        for segment in batch.segments {
            var shape = GPUAttentionShape(
                tokens: segment.count, heads: heads, keyValueHeads: kvHeads, keyLength: hyper.keyLength,
                valueLength: hyper.valueLength, queryStride: stride, queryOffset: segment.firstRow * stride,
                keyStride: stride, valueStride: stride, firstPosition: segment.firstPosition,
                outputStride: attentionWidth, scale: 1 / Float(hyper.keyLength).squareRoot())
            shape.outputOffset = segment.firstRow * attentionWidth
            if let cache {
                let (keys, values) = try cacheBuffers(cache, layer: layer)
                try device.storeRows(qkv, rows: segment.count, width: keyWidth, sourceStride: stride,
                                     sourceOffset: segment.firstRow * stride + queryWidth, into: keys, type: .f32,
                                     cacheStride: keyWidth, firstRow: segment.firstPosition)
                try device.storeRows(qkv, rows: segment.count, width: valueWidth, sourceStride: stride,
                                     sourceOffset: segment.firstRow * stride + queryWidth + keyWidth, into: values,
                                     type: .f32, cacheStride: valueWidth, firstRow: segment.firstPosition)
                shape.keyStride = keyWidth
                shape.valueStride = valueWidth
                try device.attention(query: qkv, keys: keys, values: values, output: attended, cache: .f32, shape: shape)
            } else {
                shape.keyOffset = segment.firstRow * stride + queryWidth
                shape.valueOffset = segment.firstRow * stride + queryWidth + keyWidth
                try device.attention(query: qkv, keys: qkv, values: qkv, output: attended, cache: .f32, shape: shape)
            }
        }
        let projected = try buffer("projected", floats: rows * width)
        try apply(w.output, input: attended, inputStride: attentionWidth, rows: rows, output: projected,
                  outputStride: width)
        try device.add(projected, to: stream, count: rows * width)
        if let bias = w.outputBias { try device.addRows(stream, bias: bias, width: width, rows: rows) }
    }

    private func feedForward(_ layer: Int, rows: Int, stream: GPUBuffer) throws {
        let w = weights[layer - layers.lowerBound]
        let width = hyper.embeddingLength
        let inner = hyper.feedForwardLengths[layer]
        let normed = try buffer("normed", floats: rows * width)
        try device.rmsNorm(input: stream, output: normed, width: width, rows: rows, epsilon: hyper.rmsNormEpsilon)
        try device.multiplyRows(normed, by: w.feedForwardNorm, width: width, rows: rows)
        let gateUp = try buffer("gate/up", floats: rows * 2 * inner)
        try apply(w.gateUp, input: normed, inputStride: width, rows: rows, output: gateUp, outputStride: 2 * inner)
        try device.swiGLU(gateUp, inner: inner, rows: rows)
        let projected = try buffer("projected", floats: rows * width)
        try apply(w.down, input: gateUp, inputStride: 2 * inner, rows: rows, output: projected, outputStride: width)
        try device.add(projected, to: stream, count: rows * width)
    }

    /// The device copy of `cache`'s keys and values for `layer`, made on first use.
    private func cacheBuffers(_ cache: KeyValueCache, layer: Int) throws -> (GPUBuffer, GPUBuffer) {
        if let keys = cache.deviceKeys[layer], let values = cache.deviceValues[layer] { return (keys, values) }
        let keys = try device.makeBuffer(byteCount: cache.capacity * cache.keyWidths[layer] * 4,
                                         label: "blk.\(layer) key cache")
        let values = try device.makeBuffer(byteCount: cache.capacity * cache.valueWidths[layer] * 4,
                                           label: "blk.\(layer) value cache")
        cache.deviceKeys[layer] = keys
        cache.deviceValues[layer] = values
        return (keys, values)
    }
}
