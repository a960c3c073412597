import Foundation
import Quantization

/// How activations meet weights in matrix products.
public enum ActivationPrecision: Sendable {
    /// llama.cpp's rounding for GGUF files (so perplexities agree with llama-perplexity's);
    /// exact F32 for Hugging Face folders (the unconverted reference).
    case automatic
    /// F32 activations times F32-decoded weights, whatever the weights' stored type.
    case exact
    /// Activations converted to each weight type's llama.cpp partner type first (F16 for F16
    /// weights, 8-bit blocks for quantized ones), as ggml's CPU backend does.
    case llamaCpp
}

/// How a ``LlamaModel`` uses the machine.
public struct InferenceOptions: Sendable {
    /// Worker threads for every parallel step (matrix products included). At least 1.
    public var threads: Int
    /// Bytes of dequantized F32 weights kept between calls (default 0: none).
    ///
    /// By default weights stay in their stored encoding: generation multiplies the blocks
    /// directly and batches decode one tile per worker at a time, so memory is the file plus
    /// the KV cache and scratch space. With a budget, matrices that fit it are decoded to F32
    /// once and kept, which saves the per-batch decoding (a few percent of a batch's time) at
    /// four to eight times the weights' memory. F32 weights in a GGUF file are always used in
    /// place.
    public var weightCacheBytes: Int
    /// Upper bound for the logits block computed at once by ``LlamaModel/evaluate(sequences:outputPositions:consumer:)``.
    public var logitsBlockBytes: Int
    /// Most tokens pushed through the layers at once; longer requests are split by sequence.
    public var maxBatchTokens: Int
    /// Whether activations are rounded the way llama.cpp's CPU kernels round them.
    public var activationPrecision: ActivationPrecision = .automatic
    /// Caps the SIMD level of the quantized kernels (0 portable C, 1 AVX2, 2 AVX-512 with VNNI); `nil` uses the
    /// best the CPU has (``QuantKernels/cpuLevel``, itself capped by `GGUFKIT_SIMD_LEVEL`). Results agree across
    /// levels up to float summation order.
    public var simdLevel: Int?
    /// How many of the last layers run on a GPU (llama.cpp's `-ngl`): 0 keeps every layer on the CPU, a value
    /// at or above the layer count puts all of them on the device.
    public var gpuLayers: Int = 0
    /// The Vulkan device for ``gpuLayers`` (`Vulkan0`, ...); without one the first non-CPU device. A CPU device
    /// (lavapipe) is used only when named.
    public var gpuDevice: String?

    public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                weightCacheBytes: Int = 0,
                logitsBlockBytes: Int = 64 << 20,
                maxBatchTokens: Int = 4096) {
        self.threads = threads
        self.weightCacheBytes = weightCacheBytes
        self.logitsBlockBytes = logitsBlockBytes
        self.maxBatchTokens = maxBatchTokens
    }

    /// The options with every field clamped to a usable value.
    var normalized: InferenceOptions {
        var copy = self
        copy.threads = min(max(threads, 1), 256)
        copy.weightCacheBytes = max(weightCacheBytes, 0)
        copy.logitsBlockBytes = max(logitsBlockBytes, 1 << 16)
        copy.maxBatchTokens = min(max(maxBatchTokens, 1), 1 << 20)
        copy.gpuLayers = max(gpuLayers, 0)
        copy.simdLevel = min(max(simdLevel ?? QuantKernels.cpuLevel, 0), QuantKernels.cpuLevel)
        return copy
    }
}
