import Foundation
import GPU

/// Keys and values kept across calls for incremental decoding, one matrix per layer.
final class KeyValueCache {
    let capacity: Int
    private(set) var keys: [UnsafeMutablePointer<Float>] = []
    private(set) var values: [UnsafeMutablePointer<Float>] = []
    let keyWidths: [Int]
    let valueWidths: [Int]
    /// Keys and values of the layers that run on a GPU, in device memory (by layer).
    var deviceKeys: [Int: GPUBuffer] = [:]
    var deviceValues: [Int: GPUBuffer] = [:]

    init(hyper: ModelHyperParameters, capacity: Int) throws(InferenceError) {
        self.capacity = capacity
        keyWidths = (0 ..< hyper.layerCount).map { hyper.keyWidth(layer: $0) }
        valueWidths = (0 ..< hyper.layerCount).map { hyper.valueWidth(layer: $0) }
        for layer in 0 ..< hyper.layerCount {
            let keyCount = try Workspace.product(capacity, keyWidths[layer], what: "KV cache")
            let valueCount = try Workspace.product(capacity, valueWidths[layer], what: "KV cache")
            keys.append(try Workspace.allocate(keyCount, what: "KV cache keys"))
            values.append(try Workspace.allocate(valueCount, what: "KV cache values"))
        }
    }

    deinit {
        for pointer in keys { free(pointer) }
        for pointer in values { free(pointer) }
    }
}
