import CVulkan
import Foundation

/// What kind of hardware a Vulkan device is, as the driver reports it.
public enum GPUDeviceKind: String, Sendable, Equatable {
    case discrete, integrated, virtual, cpu, other
}

/// One physical device as listed by `--list-devices`.
public struct GPUDeviceInfo: Sendable, Equatable {
    /// Position in the driver's list; `name` is derived from it.
    public let index: Int
    /// The name `--device` takes, spelled as llama.cpp spells it: `Vulkan0`, `Vulkan1`, ...
    public var name: String { "Vulkan\(index)" }
    /// The driver's description, for example "llvmpipe (LLVM 15.0.6, 256 bits)".
    public let description: String
    public let kind: GPUDeviceKind
    /// The largest device-local memory heap, in bytes.
    public let memoryBytes: Int
    /// The largest storage buffer a shader can bind.
    public let maxBufferBytes: Int
    let maxWorkgroupsX: Int
}

/// An open Vulkan loader and instance with its list of physical devices.
///
/// The loader is opened with dlopen when this is created, so a binary built with Vulkan headers still runs
/// where no Vulkan is installed: creation then throws `GPUError.loaderMissing` or `.noDevice`.
public final class VulkanRuntime {
    /// Environment variable that replaces the loader's path (tests point it at a missing file).
    public static let loaderEnvironmentKey = "GGUFKIT_VULKAN_LOADER"
    #if os(macOS)
    public static let defaultLoader = "libvulkan.1.dylib"
    #else
    public static let defaultLoader = "libvulkan.so.1"
    #endif

    let handle: OpaquePointer
    /// The loader path that was opened.
    public let loaderPath: String
    public let devices: [GPUDeviceInfo]

    /// Opens `loaderPath`, else `$GGUFKIT_VULKAN_LOADER`, else libvulkan.so.1.
    public init(loaderPath: String? = nil) throws {
        let path = loaderPath ?? ProcessInfo.processInfo.environment[Self.loaderEnvironmentKey].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.defaultLoader
        var error = gkv_error()
        var instance: OpaquePointer?
        guard gkv_instance_create(path, &instance, &error) == GKV_OK, let instance else {
            throw GPUError.from(error, what: "creating the Vulkan instance", loader: path)
        }
        handle = instance
        self.loaderPath = path
        var listed: [GPUDeviceInfo] = []
        for index in 0..<gkv_device_count(instance) {
            var info = gkv_device_info()
            guard gkv_device_info_at(instance, index, &info, &error) == GKV_OK else { continue }
            listed.append(GPUDeviceInfo(index: Int(index), description: GPUError.string(from: info.name),
                                        kind: Self.kind(info.kind), memoryBytes: Int(clamping: info.device_local_bytes),
                                        maxBufferBytes: Int(clamping: info.max_buffer_bytes),
                                        maxWorkgroupsX: Int(info.max_workgroups_x)))
        }
        devices = listed
        if listed.isEmpty {
            gkv_instance_destroy(instance)
            throw GPUError.noDevice(reason: "the instance lists no physical device")
        }
    }

    deinit { gkv_instance_destroy(handle) }

    /// The device to use: the one `name` names (`Vulkan0` or its description), or without a name the
    /// first GPU. CPU devices such as lavapipe are used only when named: they are slower than the CPU path.
    public func select(named name: String?) throws -> GPUDeviceInfo? {
        guard let name else { return devices.first { $0.kind != .cpu } }
        if let device = devices.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame || $0.description == name }) {
            return device
        }
        throw GPUError.deviceNotFound(name: name, available: devices.map(\.name))
    }

    /// Opens a logical device with a compute queue. The device keeps this runtime alive.
    public func open(_ device: GPUDeviceInfo) throws -> GPUDevice {
        try GPUDevice(runtime: self, info: device)
    }

    private static func kind(_ kind: gkv_device_kind) -> GPUDeviceKind {
        switch kind {
        case GKV_DEVICE_DISCRETE: return .discrete
        case GKV_DEVICE_INTEGRATED: return .integrated
        case GKV_DEVICE_VIRTUAL: return .virtual
        case GKV_DEVICE_CPU: return .cpu
        default: return .other
        }
    }
}
