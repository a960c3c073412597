import Foundation

/// Which layers of a model run where.
public struct LayerPlacement: Sendable, Equatable, CustomStringConvertible {
    public let layerCount: Int
    /// The layers on the GPU (the last ones), or nil when every layer runs on the CPU.
    public let gpuLayers: Range<Int>?
    /// The device's name, description, kind and memory.
    public let device: String?
    /// Device bytes holding the offloaded weights.
    public let deviceWeightBytes: Int

    /// Layers on the CPU: the first ones.
    public var cpuLayers: Range<Int> { 0 ..< (gpuLayers?.lowerBound ?? layerCount) }

    /// One line: "layers 0-3 on the CPU, 4-7 on Vulkan0 (llvmpipe ..., cpu, 2048 MiB; 1.2 MiB of weights)".
    public var description: String {
        func span(_ range: Range<Int>) -> String {
            range.count == 1 ? "layer \(range.lowerBound)" : "layers \(range.lowerBound)-\(range.upperBound - 1)"
        }
        guard let gpuLayers, let device, !gpuLayers.isEmpty else { return "all \(layerCount) layers on the CPU" }
        let weights = String(format: "%.1f MiB of weights", Double(deviceWeightBytes) / 1_048_576)
        let onDevice = "\(span(gpuLayers)) on \(device); \(weights)"
        return cpuLayers.isEmpty ? "\(onDevice)" : "\(span(cpuLayers)) on the CPU, \(onDevice)"
    }
}
