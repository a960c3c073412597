import CGPUShaders
import CVulkan
import Foundation

/// A logical Vulkan device with one compute queue, its buffers and its compiled pipelines.
///
/// Dispatches are synchronous (submit, then wait on a fence) and serialised by a lock, so one device may be
/// used from several threads; throughput comes later from recording many dispatches per submit.
public final class GPUDevice: @unchecked Sendable {
    let handle: OpaquePointer
    let runtime: VulkanRuntime
    public let info: GPUDeviceInfo
    private let lock = NSLock()
    private var pipelines: [String: Pipeline] = [:]

    /// A compute pipeline and the shape of its interface.
    final class Pipeline {
        let handle: OpaquePointer
        let bindings: Int
        let pushConstantBytes: Int

        init(handle: OpaquePointer, bindings: Int, pushConstantBytes: Int) {
            self.handle = handle
            self.bindings = bindings
            self.pushConstantBytes = pushConstantBytes
        }

        deinit { gkv_pipeline_destroy(handle) }
    }

    init(runtime: VulkanRuntime, info: GPUDeviceInfo) throws {
        var error = gkv_error()
        var device: OpaquePointer?
        guard gkv_device_create(runtime.handle, UInt32(info.index), &device, &error) == GKV_OK, let device else {
            throw GPUError.from(error, what: "creating the logical device", device: info.description,
                                loader: runtime.loaderPath)
        }
        handle = device
        self.runtime = runtime
        self.info = info
    }

    deinit {
        // Pipelines reference the device: release them first.
        pipelines.removeAll()
        gkv_device_destroy(handle)
    }

    /// A host-visible storage buffer of `byteCount` bytes; `label` names it in errors ("blk.0.attn_q.weight").
    public func makeBuffer(byteCount: Int, label: String) throws -> GPUBuffer {
        guard byteCount >= 0 else { throw GPUError.invalidOperands(kernel: label, reason: "negative size \(byteCount)") }
        return try GPUBuffer(device: self, byteCount: byteCount, label: label)
    }

    /// Names of the shaders compiled into this build.
    public static var shaderNames: [String] {
        (0..<gk_spirv_shader_count()).compactMap { gk_spirv_shader_at($0).map { String(cString: $0.pointee.name) } }
    }

    /// Runs shader `name` over `groups` workgroups with `buffers` bound in order and `constants` pushed.
    func dispatch(_ name: String, buffers: [GPUBuffer], constants: [UInt32], groups: (Int, Int, Int)) throws {
        try lock.withLock {
            let pipeline = try pipeline(name, bindings: buffers.count, pushConstantBytes: constants.count * 4)
            var error = gkv_error()
            let handles: [OpaquePointer?] = buffers.map { $0.handle }
            let status = handles.withUnsafeBufferPointer { bound in
                constants.withUnsafeBytes { push in
                    gkv_dispatch(handle, pipeline.handle, bound.baseAddress, UInt32(bound.count), push.baseAddress,
                                 UInt32(push.count), UInt32(groups.0), UInt32(groups.1), UInt32(groups.2), &error)
                }
            }
            guard status == GKV_OK else {
                throw GPUError.from(error, what: "dispatching \(name)", device: info.description)
            }
            withExtendedLifetime(buffers) {}
        }
    }

    /// The pipeline for `name`, compiled by the driver on first use.
    private func pipeline(_ name: String, bindings: Int, pushConstantBytes: Int) throws -> Pipeline {
        if let cached = pipelines[name] { return cached }
        guard let shader = (0..<gk_spirv_shader_count()).lazy.compactMap({ gk_spirv_shader_at($0)?.pointee })
            .first(where: { String(cString: $0.name) == name })
        else { throw GPUError.shaderMissing(name: name) }
        var error = gkv_error()
        var created: OpaquePointer?
        let status = gkv_pipeline_create(handle, shader.words, shader.word_count * 4, UInt32(bindings),
                                         UInt32(pushConstantBytes), &created, &error)
        guard status == GKV_OK, let created else {
            throw GPUError.from(error, what: name, device: info.description)
        }
        let pipeline = Pipeline(handle: created, bindings: bindings, pushConstantBytes: pushConstantBytes)
        pipelines[name] = pipeline
        return pipeline
    }
}
