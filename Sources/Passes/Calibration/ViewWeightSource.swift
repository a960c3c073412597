import Conversion
import Foundation
import GGUF
import Inference
import Models

/// The weights of a ``ModelView`` as the inference core reads them, so a pass calibrates on
/// the model as the earlier passes left it.
///
/// Tensors no pass replaced are served from the original source without copying (memory-mapped
/// safetensors or GGUF); replaced ones from the view's F32 values. A Hugging Face source keeps
/// its Q/K rows in Hugging Face order (and half-split RoPE), so replaced Q/K tensors, which the
/// view holds in llama.cpp's order, are put back into that order here.
final class ViewWeightSource: WeightSource, @unchecked Sendable {
    // @unchecked: immutable after init; the replaced buffers are written once, in init.
    let base: any WeightSource
    let hyperParameters: ModelHyperParameters
    var location: String { base.location }
    private let replaced: [String: (dimensions: [Int], values: UnsafeMutableBufferPointer<Float>)]

    init(view: ModelView) throws {
        switch view.source {
        case let .huggingFace(folder): base = try HuggingFaceWeightSource(directory: folder.directory)
        case let .gguf(file): base = try GGUFWeightSource(path: file.path)
        }
        var hyper = base.hyperParameters
        if !view.replacedTensors.isEmpty {
            // Shapes may have changed (pruned heads): take them from the view's metadata, but keep
            // the base's RoPE layout, which matches the row order of the tensors served here.
            let style = hyper.ropeStyle
            hyper = try ModelHyperParameters(metadata: view.metadata, source: view.source.location)
            hyper.ropeStyle = style
        }
        hyperParameters = hyper
        var replaced: [String: (dimensions: [Int], values: UnsafeMutableBufferPointer<Float>)] = [:]
        for name in view.replacedTensors.sorted() {
            guard let tensor = view.tensor(named: name) else { continue }
            var values = try view.floats(of: name)
            if case .huggingFace = view.source, let permutation = view.rowPermutations[name] {
                values = Self.huggingFaceOrder(values, dimensions: tensor.dimensions, permutation: permutation)
            }
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
            _ = buffer.initialize(from: values)
            replaced[name] = (tensor.dimensions, buffer)
        }
        self.replaced = replaced
    }

    deinit {
        for (_, entry) in replaced { entry.values.deallocate() }
    }

    func tensor(named name: String) throws(InferenceError) -> WeightTensor? {
        if let entry = replaced[name] {
            return WeightTensor(name: name, type: .f32, dimensions: entry.dimensions,
                                bytes: UnsafeRawBufferPointer(entry.values))
        }
        return try base.tensor(named: name)
    }

    func releasePages(of name: String) {
        if replaced[name] == nil { base.releasePages(of: name) }
    }

    /// Undoes llama.cpp's Q/K row order (rows of a matrix, elements of a bias vector).
    static func huggingFaceOrder(_ values: [Float], dimensions: [Int], permutation: RowPermutation) -> [Float] {
        let rowLength = dimensions.count == 1 ? 1 : dimensions[0]
        let rows = values.count / max(rowLength, 1)
        var result = values
        for row in 0 ..< rows {
            let target = permutation.sourceRow(forOutputRow: row, rowCount: rows)
            for column in 0 ..< rowLength {
                result[target * rowLength + column] = values[row * rowLength + column]
            }
        }
        return result
    }
}
