import Foundation
import GPU
import Testing

/// The device the kernel tests run on: `$GGUFKIT_TEST_GPU_DEVICE`, else the first listed (lavapipe on CI;
/// tests name their device, so CPU devices count).
///
/// Without Vulkan the kernel tests are skipped with the reason printed, unless `GGUFKIT_REQUIRE_GPU=1`:
/// then they run and fail on the missing device.
enum GPUTestDevice {
    static let required = ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_GPU"] == "1"

    /// Whether a device opened, or why not; probed once per test process.
    static let probe: (available: Bool, reason: String) = {
        do {
            let device = try open()
            return (true, "\(device.info.name): \(device.info.description) (\(device.info.kind.rawValue))")
        } catch {
            let reason = "no Vulkan device for the GPU tests: \(error)"
            print("GPUTests: skipping kernel tests, \(reason)")
            return (false, reason)
        }
    }()

    /// Run when a device exists, or when one is required (so its absence fails).
    static var enabled: Bool { probe.available || required }

    static var skipReason: Comment { Comment(rawValue: probe.reason) }

    /// Opens the test device on a fresh runtime; each test gets its own so they run independently.
    static func open() throws -> GPUDevice {
        let runtime = try VulkanRuntime()
        let name = ProcessInfo.processInfo.environment["GGUFKIT_TEST_GPU_DEVICE"] ?? runtime.devices[0].name
        guard let info = try runtime.select(named: name) else {
            throw GPUError.deviceNotFound(name: name, available: runtime.devices.map(\.name))
        }
        return try runtime.open(info)
    }
}
