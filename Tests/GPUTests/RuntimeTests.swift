import Foundation
import GPU
import Testing
import TestSupport

@Suite("Vulkan runtime")
struct RuntimeTests {
    @Test("a required device is present", .enabled(if: GPUTestDevice.required, "GGUFKIT_REQUIRE_GPU is not 1"))
    func requiredDevicePresent() {
        #expect(GPUTestDevice.probe.available, "\(GPUTestDevice.probe.reason)")
    }

    @Test("a missing loader is reported as such, not a crash")
    func missingLoader() throws {
        let path = try TemporaryDirectory().file("no-such-libvulkan.so.1")
        do {
            _ = try VulkanRuntime(loaderPath: path)
            Issue.record("opening \(path) succeeded")
        } catch let GPUError.loaderMissing(reported, reason) {
            #expect(reported == path)
            #expect(!reason.isEmpty)
        }
    }

    @Test("a file that is not a Vulkan loader is reported as missing or incomplete")
    func notALoader() throws {
        // libc is a real shared object without vkGetInstanceProcAddr.
        do {
            _ = try VulkanRuntime(loaderPath: "libc.so.6")
            Issue.record("libc.so.6 was accepted as a Vulkan loader")
        } catch let GPUError.loaderIncomplete(path, function) {
            #expect(path == "libc.so.6")
            #expect(function == "vkGetInstanceProcAddr")
        }
    }

    @Test("--list-devices with the loader hidden prints no devices and a note under -v",
          .enabled(if: CLI.binary != nil, CLI.skipReason))
    func listDevicesWithoutVulkan() throws {
        let hidden = try TemporaryDirectory().file("libvulkan.so.1")
        let result = try ChildProcess.run("/usr/bin/env", ["GGUFKIT_VULKAN_LOADER=\(hidden)", try #require(CLI.binary),
                                                           "--list-devices", "-v"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Available devices:"))
        #expect(!result.stdout.contains("Vulkan0"))
        #expect(result.stderr.contains(hidden), "the note names the loader: \(result.stderr)")
    }

    @Test("a loader with no driver lists no devices and says so under -v",
          .enabled(if: CLI.binary != nil && GPUTestDevice.enabled, "needs the ggufkit executable and a Vulkan loader"))
    func noDriver() throws {
        // The loader reads its driver list from these variables (VK_DRIVER_FILES in newer loaders).
        let result = try ChildProcess.run("/usr/bin/env", ["VK_ICD_FILENAMES=/nonexistent/icd.json",
                                                           "VK_DRIVER_FILES=/nonexistent/icd.json",
                                                           try #require(CLI.binary), "--list-devices", "-v"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("Vulkan0"))
        #expect(result.stderr.contains("lists no device"), "\(result.stderr)")
    }

    @Test("--list-devices lists the test device",
          .enabled(if: CLI.binary != nil && GPUTestDevice.enabled, "needs the ggufkit executable and a Vulkan device"))
    func listDevices() throws {
        let result = try ChildProcess.run(try #require(CLI.binary), ["--list-devices"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Vulkan0: "), "\(result.stdout)")
        #expect(result.stdout.contains(" MiB"), "\(result.stdout)")
    }

    @Test("devices are selected by name; CPU devices only when named",
          .enabled(if: GPUTestDevice.enabled, GPUTestDevice.skipReason))
    func selection() throws {
        let runtime = try VulkanRuntime()
        #expect(try runtime.select(named: nil)?.kind != .cpu)
        for device in runtime.devices {
            #expect(try runtime.select(named: device.name) == device)
            #expect(try runtime.select(named: device.name.lowercased()) == device)
            #expect(device.memoryBytes > 0)
        }
        #expect(throws: GPUError.deviceNotFound(name: "Vulkan99", available: runtime.devices.map(\.name))) {
            try runtime.select(named: "Vulkan99")
        }
    }

    @Test("a buffer beyond the device's binding limit is refused before allocating",
          .enabled(if: GPUTestDevice.enabled, GPUTestDevice.skipReason))
    func bufferLimit() throws {
        let device = try GPUTestDevice.open()
        let limit = device.info.maxBufferBytes
        #expect(throws: GPUError.bufferTooLarge(what: "huge", bytes: limit + 1, limit: limit)) {
            try device.makeBuffer(byteCount: limit + 1, label: "huge")
        }
        let small = try device.makeBuffer(byteCount: 16, label: "small")
        try small.write([1, 2, 3, 4])
        #expect(small.readFloats(4) == [1, 2, 3, 4])
    }
}

/// Finds the `ggufkit` executable `swift build` put beside this test bundle.
enum CLI {
    static var binary: String? { GGUFKitExecutable.path }

    static var skipReason: Comment { "the ggufkit executable was not found beside the test bundle (build it, or set GGUFKIT_BINARY)" }
}
