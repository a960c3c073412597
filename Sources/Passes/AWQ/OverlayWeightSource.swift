import Conversion
import Inference

/// A weight source that serves a few tensors from memory and the rest from another source:
/// one layer's trial weights on top of the model.
final class OverlayWeightSource: WeightSource, @unchecked Sendable {
    // @unchecked: immutable after init.
    let base: any WeightSource
    private let overlay: [String: (dimensions: [Int], values: UnsafeMutableBufferPointer<Float>)]
    private let mapped: [String: (dimensions: [Int], values: ScratchValues)]
    var location: String { base.location }
    let hyperParameters: ModelHyperParameters

    /// `overlay` is copied; `mapped` values are served in place. `hyperParameters` replaces the
    /// base's (when tensors changed shape).
    init(base: any WeightSource, overlay: [String: (dimensions: [Int], values: [Float])],
         mapped: [String: (dimensions: [Int], values: ScratchValues)] = [:],
         hyperParameters: ModelHyperParameters? = nil) {
        self.base = base
        self.mapped = mapped
        self.hyperParameters = hyperParameters ?? base.hyperParameters
        var stored: [String: (dimensions: [Int], values: UnsafeMutableBufferPointer<Float>)] = [:]
        for (name, entry) in overlay {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: entry.values.count)
            _ = buffer.initialize(from: entry.values)
            stored[name] = (entry.dimensions, buffer)
        }
        self.overlay = stored
    }

    deinit {
        for (_, entry) in overlay { entry.values.deallocate() }
    }

    func tensor(named name: String) throws(InferenceError) -> WeightTensor? {
        if let entry = overlay[name] {
            return WeightTensor(name: name, type: .f32, dimensions: entry.dimensions,
                                bytes: UnsafeRawBufferPointer(entry.values))
        }
        if let entry = mapped[name] {
            return WeightTensor(name: name, type: .f32, dimensions: entry.dimensions, bytes: entry.values.bytes)
        }
        return try base.tensor(named: name)
    }

    func releasePages(of name: String) {
        if overlay[name] != nil { return }
        if let entry = mapped[name] { entry.values.releasePages() } else { base.releasePages(of: name) }
    }
}
