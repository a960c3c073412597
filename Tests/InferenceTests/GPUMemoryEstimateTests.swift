import Inference
import Testing

/// The device-memory check made before uploading offloaded layers (a software device cannot be made to run
/// out, so the estimate and its message are tested as a pure function).
@Suite("Device memory estimate for offloaded layers")
struct GPUMemoryEstimateTests {
    static let mib = 1 << 20
    /// Four layers of 100 MiB of weights and 10 MiB of cache each, 50 MiB of scratch.
    static let estimate = GPUMemoryEstimate(layerWeightBytes: Array(repeating: 100 * mib, count: 4),
                                            layerCacheBytes: Array(repeating: 10 * mib, count: 4),
                                            scratchBytes: 50 * mib)

    @Test("bytes count the last layers' weights and caches plus the scratch once")
    func bytes() {
        #expect(Self.estimate.bytes(lastLayers: 0) == 0)
        #expect(Self.estimate.bytes(lastLayers: 1) == 160 * Self.mib)
        #expect(Self.estimate.bytes(lastLayers: 4) == 490 * Self.mib)
        #expect(Self.estimate.bytes(lastLayers: 99) == 490 * Self.mib)
        #expect(Self.estimate.layers(last: 3) == 1 ..< 4)
    }

    @Test("the largest fit counts layers from the last one down")
    func largestFit() {
        #expect(Self.estimate.largestFit(available: 490 * Self.mib) == 4)
        #expect(Self.estimate.largestFit(available: 489 * Self.mib) == 3)
        #expect(Self.estimate.largestFit(available: 270 * Self.mib) == 2)
        #expect(Self.estimate.largestFit(available: 159 * Self.mib) == 0)
    }

    @Test("no problem when the layers fit")
    func fits() {
        #expect(Self.estimate.problem(lastLayers: 4, available: 490 * Self.mib, device: "Vulkan0") == nil)
        #expect(Self.estimate.problem(lastLayers: 2, available: 300 * Self.mib, device: "Vulkan0") == nil)
        #expect(Self.estimate.problem(lastLayers: 0, available: 0, device: "Vulkan0") == nil)
    }

    @Test("the message names the device, what was needed, the layers that did not fit and a --gpu-layers that fits")
    func message() throws {
        let message = try #require(Self.estimate.problem(lastLayers: 4, available: 300 * Self.mib, device: "Vulkan0"))
        #expect(message == "out of device memory: 4 layers on Vulkan0 need 490.0 MiB (400.0 MiB of weights, "
            + "40.0 MiB of key/value cache, 50.0 MiB of activations) but it has 300.0 MiB; layers 0-1 (220.0 MiB) "
            + "did not fit: try --gpu-layers 2")
        let one = try #require(Self.estimate.problem(lastLayers: 4, available: 460 * Self.mib, device: "Vulkan1"))
        #expect(one.contains("layer 0 (110.0 MiB) did not fit: try --gpu-layers 3"))
        let none = try #require(Self.estimate.problem(lastLayers: 2, available: 100 * Self.mib, device: "Vulkan0"))
        #expect(none.contains("layers 2-3 (220.0 MiB) did not fit: not even one layer fits: use --gpu-layers 0"))
    }

    @Test("without caches the message leaves them out")
    func withoutCache() throws {
        let estimate = GPUMemoryEstimate(layerWeightBytes: [Self.mib, Self.mib])
        let message = try #require(estimate.problem(lastLayers: 2, available: Self.mib, device: "Vulkan0"))
        #expect(message == "out of device memory: 2 layers on Vulkan0 need 2.0 MiB (2.0 MiB of weights) but it has "
            + "1.0 MiB; layer 0 (1.0 MiB) did not fit: try --gpu-layers 1")
    }
}
