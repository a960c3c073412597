import CVulkan

/// A storage buffer in host-visible memory, mapped for its whole life: the host writes operands and reads
/// results through `contents` without staging copies.
public final class GPUBuffer {
    let handle: OpaquePointer
    /// Keeps the device (and so the Vulkan instance) alive while the buffer exists.
    let device: GPUDevice
    public let byteCount: Int
    /// What the buffer holds, for error messages.
    public let label: String

    init(device: GPUDevice, byteCount: Int, label: String) throws {
        var error = gkv_error()
        var buffer: OpaquePointer?
        // Shaders read whole 32-bit words: a buffer of 18 bytes (one Q4_0 block) must still hold its last word,
        // or that read is out of bounds and the driver may return zero.
        let allocated = (byteCount + 3) & ~3
        guard gkv_buffer_create(device.handle, UInt64(allocated), &buffer, &error) == GKV_OK, let buffer else {
            if error.status == GKV_BUFFER_TOO_LARGE {
                throw GPUError.bufferTooLarge(what: label, bytes: byteCount, limit: device.info.maxBufferBytes)
            }
            throw GPUError.from(error, what: label, bytes: byteCount, device: device.info.description)
        }
        handle = buffer
        self.device = device
        self.byteCount = byteCount
        self.label = label
    }

    deinit { gkv_buffer_destroy(handle) }

    /// The mapped memory; valid while the buffer exists.
    public var contents: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: gkv_buffer_contents(handle), count: byteCount)
    }

    /// Copies `bytes` to the start of the buffer.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count <= byteCount else {
            throw GPUError.invalidOperands(kernel: label, reason: "\(bytes.count) bytes do not fit in \(byteCount)")
        }
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        contents.baseAddress!.copyMemory(from: source, byteCount: bytes.count)
    }

    /// Copies `values` to the start of the buffer.
    public func write(_ values: [Float]) throws {
        try values.withUnsafeBytes { try write($0) }
    }

    /// Reads the first `count` floats.
    public func readFloats(_ count: Int) -> [Float] {
        let available = min(count, byteCount / MemoryLayout<Float>.stride)
        return Array(contents.bindMemory(to: Float.self).prefix(available))
    }
}
