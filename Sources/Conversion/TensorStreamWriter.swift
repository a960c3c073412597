import Foundation
import GGUF

/// Writes a planned list of tensors to a GGUF file, encoding each on the way; shared by
/// `convert` (from safetensors) and `quantize` (from GGUF).
struct TensorStreamWriter {
    var threads: Int
    var progress: @Sendable (ConversionProgress) -> Void

    /// `source` returns a tensor's stored bytes and their type; `release` lets the caller drop
    /// the pages once the tensor is written (keeps resident memory flat on large models);
    /// `prefetch` asks for the next tensor's bytes to be read ahead while the current one is
    /// encoded, so the encoder does not wait on the disk; `inspect` sees each tensor's stored
    /// bytes before they are encoded and may refuse them by throwing.
    /// With a `split` limit the output may become several parts (``GGUFSplitWriter``); the
    /// paths returned are the files written.
    func write(plan: [PlannedTensor], metadata: GGUFMetadata, to path: String, split: GGUFSplitLimit? = nil,
               source: (PlannedTensor) throws -> (UnsafeRawBufferPointer, GGMLType),
               release: (PlannedTensor) -> Void,
               prefetch: (PlannedTensor) -> Void = { _ in },
               inspect: (PlannedTensor, UnsafeRawBufferPointer, GGMLType) throws -> Void = { _, _, _ in }) throws -> (bytes: Int, seconds: Double, paths: [String]) {
        let start = DispatchTime.now()
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9 }
        let descriptors = plan.map { GGUFTensorDescriptor(name: $0.ggufName, dimensions: $0.dimensions, type: $0.targetType) }
        let writer = try GGUFSplitWriter(path: path, metadata: metadata, tensors: descriptors, limit: split)
        let encoder = TensorEncoder(threads: threads)
        let total = plan.reduce(0) { $0 + $1.targetByteCount }
        var done = 0
        for (index, tensor) in plan.enumerated() {
            try writer.beginTensor()
            if index + 1 < plan.count { prefetch(plan[index + 1]) }
            let (bytes, type): (UnsafeRawBufferPointer, GGMLType)
            if case .generated = tensor.source {
                (bytes, type) = (UnsafeRawBufferPointer(start: nil, count: 0), .f32)
            } else {
                (bytes, type) = try source(tensor)
                try inspect(tensor, bytes, type)
            }
            try encoder.encode(tensor, sourceBytes: bytes, sourceType: type) { chunk in
                try writer.appendTensorBytes(chunk)
                done += chunk.count
                progress(ConversionProgress(tensorsDone: index, tensorCount: plan.count, bytesDone: done,
                                            bytesTotal: total, currentTensor: tensor.ggufName, elapsed: elapsed()))
            }
            try writer.endTensor()
            release(tensor)
        }
        try writer.finish()
        progress(ConversionProgress(tensorsDone: plan.count, tensorCount: plan.count, bytesDone: done,
                                    bytesTotal: total, currentTensor: "", elapsed: elapsed()))
        let size = writer.paths.reduce(0) { total, part in
            total + ((try? FileManager.default.attributesOfItem(atPath: part)[.size] as? Int) ?? 0)
        }
        return (size, elapsed(), writer.paths)
    }
}
