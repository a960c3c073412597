import ArgumentParser
import GPU

/// `--gpu-layers N` / `-ngl N` and `--device NAME`, as llama.cpp spells them: how many of the last layers run
/// on which Vulkan device.
struct GPUOption: ParsableArguments {
    @Option(name: [.customLong("gpu-layers"), .customLong("ngl", withSingleDash: true)],
            help: ArgumentHelp("Layers to run on the GPU: a number, 'all', or 0 for the CPU only (the last layers are offloaded).",
                               discussion: "Default: all layers when a GPU is found, else none. A CPU device such as lavapipe is used only when named with --device."))
    var gpuLayers: String?

    @Option(name: .customLong("device"), help: "Vulkan device for --gpu-layers (Vulkan0, ...; see ggufkit --list-devices).")
    var device: String?

    func validate() throws {
        if let gpuLayers, gpuLayers != "all", Int(gpuLayers).map({ $0 < 0 }) ?? true {
            throw ValidationError("--gpu-layers must be a number of layers, 'all' or 0")
        }
    }

    /// The layer count to ask for (clamped to the model's by the model), given the devices there are: an
    /// explicit value, else all when `--device` names one or a GPU (not a CPU device) exists, else 0.
    var requestedLayers: Int {
        if let gpuLayers { return gpuLayers == "all" ? Int.max : Int(gpuLayers) ?? 0 }
        if device != nil { return Int.max }
        guard let runtime = try? VulkanRuntime(), (try? runtime.select(named: nil)) != nil else { return 0 }
        return Int.max
    }
}

/// `--device NAME` and `--gpu-layers N` for the calibration passes (importance matrix, AWQ, head pruning):
/// unlike inference, they run on the CPU unless a device is named, and then default to all layers on it.
struct CalibrationGPUOption: ParsableArguments {
    @Option(name: [.customLong("gpu-layers"), .customLong("ngl", withSingleDash: true)],
            help: ArgumentHelp("Calibration layers to run on --device: a number or 'all' (the default with --device).",
                               discussion: "Calibration runs on the CPU unless --device names a Vulkan device."))
    var gpuLayers: String?

    @Option(name: .customLong("device"), help: "Vulkan device for the calibration passes (Vulkan0, ...; see ggufkit --list-devices).")
    var device: String?

    func validate() throws {
        if let gpuLayers, gpuLayers != "all", Int(gpuLayers).map({ $0 < 0 }) ?? true {
            throw ValidationError("--gpu-layers must be a number of layers, 'all' or 0")
        }
        if gpuLayers != nil, device == nil {
            throw ValidationError("--gpu-layers needs --device: calibration runs on the CPU unless a device is named")
        }
    }

    /// Layers to offload: none without `--device`, else the explicit count or all.
    var requestedLayers: Int {
        guard device != nil else { return 0 }
        guard let gpuLayers else { return Int.max }
        return gpuLayers == "all" ? Int.max : Int(gpuLayers) ?? 0
    }
}
