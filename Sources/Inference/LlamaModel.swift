import Foundation
import GPU
import Quantization

/// A Llama-family decoder (`llama`, `qwen2`, `qwen3`) evaluated on the CPU the way llama.cpp
/// evaluates it, from a GGUF file or a Hugging Face folder.
///
/// All tokens of a batch go through each layer together, so every projection of a batch is one
/// large F32 matrix product (OpenBLAS) on weight tiles decoded as they are needed; one token at
/// a time (generation) multiplies the stored quantized blocks directly with SIMD kernels chosen
/// for the running CPU (see ``InferenceOptions``). Weights stay memory-mapped in their file
/// type. Logits are deterministic for a given model and input, whatever
/// ``InferenceOptions/threads`` is.
///
/// Calls are serialised: each one already uses every configured thread.
public final class LlamaModel: @unchecked Sendable {
    // @unchecked: all mutable state (scratch space, weight cache placement) is only touched
    // while `lock` is held.

    /// The model's shape, from the GGUF metadata or `config.json`.
    public let hyper: ModelHyperParameters
    /// The options in effect (out-of-range values clamped).
    public let options: InferenceOptions
    /// Where the weights come from.
    public let source: any WeightSource
    let weights: ModelWeights
    let context: ComputeContext
    let pass: ForwardPass
    private let lock = NSLock()

    /// Rows in the output head (`token_embd` rows when the head is tied).
    public var vocabSize: Int { weights.vocabularySize }

    /// Loads a GGUF file (weights of any supported encoding stay mapped until used).
    public convenience init(ggufPath: String, options: InferenceOptions = InferenceOptions()) throws {
        try self.init(source: GGUFWeightSource(path: ggufPath), options: options)
    }

    /// Loads a Hugging Face folder (`config.json` and safetensors weights).
    public convenience init(huggingFaceDirectory: String, options: InferenceOptions = InferenceOptions()) throws {
        try self.init(source: HuggingFaceWeightSource(directory: huggingFaceDirectory), options: options)
    }

    /// Loads the model held by any weight source.
    public init(source: any WeightSource, options: InferenceOptions = InferenceOptions()) throws {
        self.source = source
        self.options = options.normalized
        hyper = source.hyperParameters
        let rounds: Bool
        switch self.options.activationPrecision {
        case .automatic: rounds = source is GGUFWeightSource
        case .exact: rounds = false
        case .llamaCpp: rounds = true
        }
        weights = try ModelWeights(source: source, roundsActivations: rounds, level: self.options.simdLevel ?? QuantKernels.cpuLevel)
        context = ComputeContext(threads: self.options.threads, cacheBudget: self.options.weightCacheBytes)
        context.releasePages = { [source] name in source.releasePages(of: name) }
        let rope = Rope(hyper: hyper, frequencyFactors: weights.ropeFrequencyFactors)
        var pass = ForwardPass(hyper: hyper, weights: weights, rope: rope, context: context)
        let offloaded = min(self.options.gpuLayers, hyper.layerCount)
        if offloaded > 0 {
            let device = try Self.openDevice(named: self.options.gpuDevice)
            pass.gpu = try GPULayers(device: device, layers: hyper.layerCount - offloaded ..< hyper.layerCount,
                                     hyper: hyper, weights: weights, rope: rope)
        }
        self.pass = pass
    }

    /// The Vulkan device `name` names, or the first non-CPU one.
    private static func openDevice(named name: String?) throws(InferenceError) -> GPUDevice {
        do {
            let runtime = try VulkanRuntime()
            guard let info = try runtime.select(named: name) else {
                throw InferenceError.device("no GPU among the Vulkan devices (\(runtime.devices.map { "\($0.name): \($0.description) (\($0.kind.rawValue))" }.joined(separator: ", "))); "
                    + "a CPU device such as lavapipe is used only when named with --device")
            }
            return try runtime.open(info)
        } catch let error as InferenceError {
            throw error
        } catch {
            throw .device("\(error)")
        }
    }

    /// Where the layers run: the device, its memory, and which layers are on it (nil when all are on the CPU).
    public var placement: LayerPlacement {
        LayerPlacement(layerCount: hyper.layerCount, gpuLayers: pass.gpu?.layers,
                       device: pass.gpu.map { "\($0.device.info.name) (\($0.device.info.description), \($0.device.info.kind.rawValue), \($0.device.info.memoryBytes >> 20) MiB)" },
                       deviceWeightBytes: pass.gpu?.weightBytes ?? 0)
    }

    /// Longest sequence accepted (keeps every matrix dimension far inside BLAS's 32-bit sizes).
    public static let maximumSequenceLength = 1 << 20

    /// Runs a batch of independent sequences (each starting at position 0, same length or not)
    /// and calls `consumer` with the logits (``vocabSize`` floats) of positions
    /// `outputPositions` of every sequence that is long enough, sequence by sequence, positions
    /// ascending. Logits of other positions are never computed. The buffer is only valid
    /// during the call, and `consumer` must not call back into this model.
    ///
    /// Sequences are grouped into batches of at most ``InferenceOptions/maxBatchTokens`` tokens
    /// (a longer sequence runs alone); each batch goes through every layer at once.
    public func evaluate(sequences: [[Int32]], outputPositions: Range<Int>,
                         consumer: (_ sequence: Int, _ position: Int, _ logits: UnsafeBufferPointer<Float>) -> Void)
        throws {
        try forEachBatch(of: sequences) { batch, x in
            var rows: [Int] = [], labels: [(sequence: Int, position: Int)] = []
            for segment in batch.segments {
                let wanted = outputPositions.clamped(to: 0 ..< segment.count)
                for position in wanted {
                    rows.append(segment.firstRow + position)
                    labels.append((segment.sequence, position))
                }
            }
            try pass.logits(of: rows, x: x, blockBytes: options.logitsBlockBytes) { index, logits in
                consumer(labels[index].sequence, labels[index].position, logits)
            }
        }
    }

    /// Runs independent sequences (each from position 0) through the model and shows `tap` the
    /// input of every linear layer it wants, as ``evaluate(sequences:outputPositions:consumer:)``
    /// would compute them. The output head runs only when the tap wants `output.weight`; its
    /// logits are discarded.
    public func observeActivations(sequences: [[Int32]], tap: any ActivationTap) throws {
        let wantsHead = tap.wants(weights.head.parts.first?.tensor.name ?? "output.weight")
        try forEachBatch(of: sequences, tap: tap) { batch, x in
            if wantsHead {
                try pass.logits(of: Array(0 ..< batch.rowCount), x: x, blockBytes: options.logitsBlockBytes) { _, _ in }
            }
        }
    }

    /// Runs `layers` only, for all `sequences` at once (each from position 0), and returns the
    /// residual stream after the last of them (`total tokens × embedding length` floats, rows in
    /// sequence order). `input` is the stream entering the first layer (the token embeddings
    /// when `nil`); `tap` sees the layers' linear inputs. Lets a pass walk the model layer by
    /// layer, changing each layer's weights before the next one sees its output.
    public func runLayers(_ layers: Range<Int>, sequences: [[Int32]], input: [Float]?,
                          tap: (any ActivationTap)? = nil) throws -> [Float] {
        guard layers.lowerBound >= 0, layers.upperBound <= hyper.layerCount else {
            throw InferenceError.invalidArgument("layers \(layers) outside 0..<\(hyper.layerCount)")
        }
        let rows = sequences.reduce(0) { $0 + $1.count }
        let width = hyper.embeddingLength
        if let input, input.count != rows * width {
            throw InferenceError.invalidArgument("input has \(input.count) values, \(rows) × \(width) expected")
        }
        return try withContext(checking: sequences, tap: tap) {
            var batch = TokenBatch()
            for (index, sequence) in sequences.enumerated() {
                batch.append(sequence: index, tokens: sequence, firstPosition: 0)
            }
            let x: UnsafeMutablePointer<Float>
            if let input {
                x = try input.withUnsafeBufferPointer { input in
                    try pass.run(batch, cache: nil, layers: layers, residual: input.baseAddress)
                }
            } else {
                x = try pass.run(batch, cache: nil, layers: layers)
            }
            return Array(UnsafeBufferPointer(start: x, count: rows * width))
        }
    }

    /// Checks `sequences`' tokens, then runs `body` holding the model's lock, with `tap` seeing
    /// the linear inputs.
    private func withContext<Result>(checking sequences: [[Int32]], tap: (any ActivationTap)?,
                                     _ body: () throws -> Result) throws -> Result {
        for (index, sequence) in sequences.enumerated() {
            try checkTokens(sequence, sequence: index, firstPosition: 0)
        }
        lock.lock()
        defer {
            context.tap = nil
            lock.unlock()
        }
        context.claimBLAS()
        context.tap = tap
        return try body()
    }

    /// Checks the sequences, groups them into batches of at most
    /// ``InferenceOptions/maxBatchTokens`` tokens (a longer sequence runs alone), runs each batch
    /// through every layer and hands `body` the final residual stream. Holds the model's lock.
    private func forEachBatch(of sequences: [[Int32]], tap: (any ActivationTap)? = nil,
                              _ body: (TokenBatch, UnsafeMutablePointer<Float>) throws -> Void) throws {
        try withContext(checking: sequences, tap: tap) {
            var next = 0
            while next < sequences.count {
                var batch = TokenBatch()
                while next < sequences.count,
                      batch.rowCount == 0 || batch.rowCount + sequences[next].count <= options.maxBatchTokens {
                    batch.append(sequence: next, tokens: sequences[next], firstPosition: 0)
                    next += 1
                }
                guard batch.rowCount > 0 else { continue }
                try body(batch, try pass.run(batch, cache: nil))
            }
        }
    }

    /// A decoding session holding up to `maxTokens` tokens in its KV cache.
    public func makeSession(maxTokens: Int) -> InferenceSession {
        InferenceSession(model: self, capacity: max(0, min(maxTokens, Self.maximumSequenceLength)))
    }

    /// Runs `tokens` at positions `cache`'s session already reached and returns the last row's logits.
    func extend(_ tokens: [Int32], at position: Int, cache: KeyValueCache) throws -> [Float] {
        try checkTokens(tokens, sequence: 0, firstPosition: position)
        lock.lock()
        defer { lock.unlock() }
        context.claimBLAS()
        var batch = TokenBatch()
        batch.append(sequence: 0, tokens: tokens, firstPosition: position)
        let x = try pass.run(batch, cache: cache)
        var result: [Float] = []
        try pass.logits(of: [tokens.count - 1], x: x, blockBytes: options.logitsBlockBytes) { _, logits in
            result = Array(logits)
        }
        return result
    }

    private func checkTokens(_ tokens: [Int32], sequence: Int, firstPosition: Int) throws {
        guard tokens.count <= Self.maximumSequenceLength else {
            throw InferenceError.invalidArgument(
                "sequence \(sequence) has \(tokens.count) tokens; at most \(Self.maximumSequenceLength) are supported")
        }
        let vocabulary = vocabSize
        for (offset, token) in tokens.enumerated() where token < 0 || Int(token) >= vocabulary {
            throw InferenceError.tokenOutOfRange(token: token, vocabularySize: vocabulary, sequence: sequence,
                                                 position: firstPosition + offset)
        }
    }
}
