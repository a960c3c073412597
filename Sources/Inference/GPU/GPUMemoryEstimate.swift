import Foundation

/// Device memory the offloaded layers need, checked before anything is uploaded, so a model too big for the
/// device fails with a message that says what did not fit and how many layers would, instead of failing
/// part-way through the upload (or worse, in the driver).
///
/// Layers go to the device from the last one down (as llama.cpp's `-ngl` places them), so fitting fewer
/// layers drops the first of the ones asked for.
public struct GPUMemoryEstimate: Sendable, Equatable {
    /// Bytes of each layer's weights as uploaded (one entry per model layer, in order).
    public var layerWeightBytes: [Int]
    /// Bytes of each layer's key/value cache for the session's capacity (zeros without a session).
    public var layerCacheBytes: [Int]
    /// Activation scratch for one pass, whatever the number of layers.
    public var scratchBytes: Int

    public init(layerWeightBytes: [Int], layerCacheBytes: [Int]? = nil, scratchBytes: Int = 0) {
        self.layerWeightBytes = layerWeightBytes
        self.layerCacheBytes = layerCacheBytes ?? Array(repeating: 0, count: layerWeightBytes.count)
        self.scratchBytes = scratchBytes
    }

    public var layerCount: Int { layerWeightBytes.count }

    /// The last `count` layers.
    public func layers(last count: Int) -> Range<Int> {
        let count = min(max(count, 0), layerCount)
        return layerCount - count ..< layerCount
    }

    /// Device bytes for the last `count` layers: their weights and caches, plus the scratch.
    public func bytes(lastLayers count: Int) -> Int {
        let range = layers(last: count)
        guard !range.isEmpty else { return 0 }
        return range.reduce(scratchBytes) { $0 + layerWeightBytes[$1] + layerCacheBytes[$1] }
    }

    /// The most layers (from the last down) that fit in `available` bytes; 0 when not even one does.
    public func largestFit(available: Int) -> Int {
        var count = 0
        while count < layerCount, bytes(lastLayers: count + 1) <= available { count += 1 }
        return count
    }

    /// `nil` when the last `count` layers fit in `available` bytes of `device`, else a message naming the
    /// layers that did not fit, what the asked-for layers need, and the largest `--gpu-layers` that fits.
    public func problem(lastLayers count: Int, available: Int, device: String) -> String? {
        let asked = layers(last: count)
        guard !asked.isEmpty, bytes(lastLayers: count) > available else { return nil }
        let fits = largestFit(available: available)
        let left = asked.lowerBound ..< layerCount - fits
        func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        func span(_ range: Range<Int>) -> String {
            range.count == 1 ? "layer \(range.lowerBound)" : "layers \(range.lowerBound)-\(range.upperBound - 1)"
        }
        let weights = asked.reduce(0) { $0 + layerWeightBytes[$1] }
        let caches = asked.reduce(0) { $0 + layerCacheBytes[$1] }
        let leftBytes = left.reduce(0) { $0 + layerWeightBytes[$1] + layerCacheBytes[$1] }
        var need = "\(mib(weights)) of weights"
        if caches > 0 { need += ", \(mib(caches)) of key/value cache" }
        if scratchBytes > 0 { need += ", \(mib(scratchBytes)) of activations" }
        let advice = fits > 0 ? "try --gpu-layers \(fits)" : "not even one layer fits: use --gpu-layers 0 (the CPU)"
        return "out of device memory: \(asked.count) layers on \(device) need \(mib(bytes(lastLayers: count))) "
            + "(\(need)) but it has \(mib(available)); \(span(left)) (\(mib(leftBytes))) did not fit: \(advice)"
    }
}
