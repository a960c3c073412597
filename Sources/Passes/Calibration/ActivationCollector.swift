import Conversion
import Foundation
import Inference

/// Runs calibration chunks through a model and gathers per-column statistics of every
/// linear layer's input.
public struct ActivationCollector {
    public var threads: Int
    /// Chunks pushed through the layers together (bounds activation memory, not weights).
    public var chunksPerBatch: Int
    /// Bytes of decoded F32 weights kept between batches; the rest is decoded per batch in
    /// bounded slices, so a 7B model stays within a few GB.
    public var weightCacheBytes: Int
    public var log: @Sendable (String) -> Void
    /// The last layers run on the Vulkan device `gpuDevice` (0: the CPU only); taps see their inputs read
    /// back from the device.
    public var gpuLayers = 0
    public var gpuDevice: String?

    public init(threads: Int, chunksPerBatch: Int = 4, weightCacheBytes: Int = 2 << 30,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.threads = threads
        self.chunksPerBatch = max(1, chunksPerBatch)
        self.weightCacheBytes = weightCacheBytes
        self.log = log
    }

    /// Statistics for the weights `include` selects, from `model` over `chunks`.
    public func collect(model: LlamaModel, chunks: [[Int32]], include: @escaping (String) -> Bool) throws
        -> ColumnStatistics {
        let statistics = ColumnStatistics(threads: threads, include: include)
        let start = Date()
        var done = 0
        while done < chunks.count {
            let batch = Array(chunks[done ..< min(chunks.count, done + chunksPerBatch)])
            try model.observeActivations(sequences: batch, tap: statistics)
            done += batch.count
            let seconds = Date().timeIntervalSince(start)
            let tokens = chunks[0 ..< done].reduce(0) { $0 + $1.count }
            log(String(format: "calibration: %d/%d chunks, %d tokens, %.1f s (%.0f tokens/s)", done, chunks.count,
                       tokens, seconds, Double(tokens) / max(seconds, 1e-9)))
        }
        return statistics
    }

    /// The inference core over `view` as it is now.
    public func model(for view: ModelView) throws -> LlamaModel {
        var options = InferenceOptions(threads: threads, weightCacheBytes: weightCacheBytes)
        options.gpuLayers = gpuLayers
        options.gpuDevice = gpuDevice
        return try LlamaModel(source: try ViewWeightSource.make(view: view), options: options)
    }
}
