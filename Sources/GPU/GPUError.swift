import CVulkan

/// Errors from the Vulkan compute layer. Each carries what the caller needs to tell the user what to change.
public enum GPUError: Error, CustomStringConvertible, Equatable {
    /// The Vulkan loader could not be opened; `reason` is the dynamic linker's message.
    case loaderMissing(path: String, reason: String)
    /// The loader or driver lacks an entry point this code needs.
    case loaderIncomplete(path: String, function: String)
    /// Vulkan is installed but lists no physical device (for example, no driver is installed).
    case noDevice(reason: String)
    /// `--device` named a device that is not listed.
    case deviceNotFound(name: String, available: [String])
    /// The device has no queue family that runs compute shaders.
    case noComputeQueue(device: String)
    /// The device offers no host-visible, coherent memory for storage buffers.
    case noHostVisibleMemory(device: String)
    /// A buffer is larger than the device can bind to a shader.
    case bufferTooLarge(what: String, bytes: Int, limit: Int)
    /// An allocation failed for lack of device memory.
    case outOfDeviceMemory(what: String, bytes: Int, device: String)
    /// An allocation failed for lack of host memory.
    case outOfHostMemory(what: String)
    /// The device stopped responding (driver reset, hang, or removal); nothing on it can be used any more.
    case deviceLost(during: String, device: String)
    /// The driver refused a shader (corrupt SPIR-V or a feature the device lacks).
    case shaderRejected(shader: String, call: String, result: Int32)
    /// A shader named by the code is not in the compiled set (the generated SPIR-V is out of date).
    case shaderMissing(name: String)
    /// The operands of a kernel do not fit its shapes or types.
    case invalidOperands(kernel: String, reason: String)
    /// Any other Vulkan failure, with the function and its VkResult.
    case vulkanFailed(call: String, result: Int32, during: String)

    public var description: String {
        switch self {
        case let .loaderMissing(path, reason):
            return "the Vulkan loader \(path) cannot be opened (\(reason)); install libvulkan1 and a driver, or run on the CPU"
        case let .loaderIncomplete(path, function):
            return "the Vulkan loader \(path) has no \(function); it is too old or not a Vulkan loader"
        case let .noDevice(reason):
            return "Vulkan lists no device (\(reason)); install a Vulkan driver (mesa-vulkan-drivers has lavapipe)"
        case let .deviceNotFound(name, available):
            let listed = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "no Vulkan device named \(name) (available: \(listed))"
        case let .noComputeQueue(device):
            return "\(device) has no compute queue"
        case let .noHostVisibleMemory(device):
            return "\(device) has no host-visible memory for storage buffers"
        case let .bufferTooLarge(what, bytes, limit):
            return "\(what) needs a \(bytes)-byte buffer; the device binds at most \(limit) bytes"
        case let .outOfDeviceMemory(what, bytes, device):
            return "out of device memory on \(device) allocating \(what) (\(bytes) bytes)"
        case let .outOfHostMemory(what):
            return "out of host memory in Vulkan while \(what)"
        case let .deviceLost(during, device):
            return "\(device) was lost during \(during)"
        case let .shaderRejected(shader, call, result):
            return "the driver rejected shader \(shader) (\(call) returned \(result))"
        case let .shaderMissing(name):
            return "shader \(name) is not compiled in; run scripts/compile-shaders.sh"
        case let .invalidOperands(kernel, reason):
            return "\(kernel): \(reason)"
        case let .vulkanFailed(call, result, during):
            return "\(call) returned VkResult \(result) during \(during)"
        }
    }

    /// Maps the C layer's report to a case, naming what the caller was doing.
    static func from(_ error: gkv_error, what: String, bytes: Int = 0, device: String = "", loader: String = "") -> GPUError {
        let call = string(from: error.call)
        let message = string(from: error.message)
        switch error.status {
        case GKV_LOADER_MISSING: return .loaderMissing(path: loader, reason: message)
        case GKV_LOADER_INCOMPLETE: return .loaderIncomplete(path: loader, function: call)
        case GKV_NO_DEVICE: return .noDevice(reason: message.isEmpty ? "no physical device" : message)
        case GKV_NO_COMPUTE_QUEUE: return .noComputeQueue(device: device)
        case GKV_NO_HOST_VISIBLE_MEMORY: return .noHostVisibleMemory(device: device)
        case GKV_OUT_OF_DEVICE_MEMORY: return .outOfDeviceMemory(what: what, bytes: bytes, device: device)
        case GKV_OUT_OF_HOST_MEMORY: return .outOfHostMemory(what: what)
        case GKV_DEVICE_LOST: return .deviceLost(during: what, device: device)
        case GKV_SHADER_REJECTED: return .shaderRejected(shader: what, call: call, result: error.vk_result)
        case GKV_BAD_INDEX: return .invalidOperands(kernel: what, reason: message)
        default: return .vulkanFailed(call: call.isEmpty ? "Vulkan" : call, result: error.vk_result, during: what)
        }
    }

    static func string<T>(from tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
