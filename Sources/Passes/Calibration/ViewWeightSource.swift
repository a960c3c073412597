import Conversion
import Foundation
import GGUF
import Inference
import Models

/// The weights of a ``ModelView`` as the inference core reads them, so a pass calibrates on
/// the model as the earlier passes left it.
///
/// Tensors no pass replaced are served from the original source without copying (memory-mapped
/// safetensors or GGUF); replaced ones from the view's memory-mapped F32 values. A Hugging Face source keeps
/// its Q/K rows in Hugging Face order (and half-split RoPE), so replaced Q/K tensors, which the
/// view holds in llama.cpp's order, are put back into that order here.
enum ViewWeightSource {
    static func make(view: ModelView) throws -> OverlayWeightSource {
        let base: any WeightSource
        switch view.source {
        case let .huggingFace(folder): base = try HuggingFaceWeightSource(directory: folder.directory)
        case let .gguf(file): base = try GGUFWeightSource(path: file.path)
        }
        var hyper: ModelHyperParameters?
        if !view.replacedTensors.isEmpty {
            // Shapes may have changed (pruned heads): take them from the view's metadata, but keep
            // the base's RoPE layout, which matches the row order of the tensors served here.
            var fromView = try ModelHyperParameters(metadata: view.metadata, source: view.source.location)
            fromView.ropeStyle = base.hyperParameters.ropeStyle
            hyper = fromView
        }
        var replaced: [String: (dimensions: [Int], values: [Float])] = [:]
        var mapped: [String: (dimensions: [Int], values: ScratchValues)] = [:]
        for name in view.replacedTensors.sorted() {
            guard let tensor = view.tensor(named: name) else { continue }
            // Served in place when already in the source's row order: no copy of a whole model.
            let reordered: Bool
            if case .huggingFace = view.source { reordered = view.rowPermutations[name] != nil } else { reordered = false }
            if let stored = view.storedValues(of: name), stored.inSourceOrder || !reordered {
                mapped[name] = (tensor.dimensions, stored.values)
                continue
            }
            replaced[name] = (tensor.dimensions, try huggingFaceLayout(view.floats(of: name), of: tensor, in: view))
        }
        return OverlayWeightSource(base: base, overlay: replaced, mapped: mapped, hyperParameters: hyper)
    }

    /// `values` of `tensor` in the row order the view's source serves (llama.cpp's Q/K row order
    /// undone for a Hugging Face source).
    static func huggingFaceLayout(_ values: [Float], of tensor: PlannedTensor, in view: ModelView) -> [Float] {
        view.sourceRowOrder(values, of: tensor)
    }
}
