import Foundation
import ImportanceMatrix
import Testing
import TestSupport

/// `ggufkit perplexity --gpu-layers/-ngl --device` on stories260K: the device path's perplexity equals the
/// CPU path's, the JSON and log say which layers ran where, and without Vulkan everything runs on the CPU.
@Suite("ggufkit perplexity with layers on the GPU", .serialized, .enabled(if: CLI.binary != nil, CLI.skipReason))
struct GPUPerplexityCommandTests {
    /// The first device `ggufkit --list-devices` lists (`$GGUFKIT_TEST_GPU_DEVICE` first), nil without Vulkan.
    static let device: String? = {
        if let name = ProcessInfo.processInfo.environment["GGUFKIT_TEST_GPU_DEVICE"] { return name }
        guard let binary = CLI.binary, let listed = try? ChildProcess.run(binary, ["--list-devices"]) else { return nil }
        return listed.stdout.split(separator: "\n").lazy
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("Vulkan") }
            .map { String($0.prefix { $0 != ":" }) }
    }()

    static func perplexity(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(["perplexity"] + arguments + ["--json"])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    @Test("stories260K perplexity (2 chunks) on the device equals the CPU's with -ngl 0, 2 and all",
          arguments: ["f16", "q8_0", "q4_0"])
    func matchesCPU(type: String) throws {
        let required = ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_GPU"] == "1"
        guard let device = Self.device else {
            #expect(!required, "GGUFKIT_REQUIRE_GPU=1 but ggufkit --list-devices lists no device")
            return
        }
        guard let stories = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let folder = try TemporaryDirectory()
        let model = folder.file("stories-\(type).gguf")
        let converted = try CLI.run(["convert", stories, "-o", model, "--type", type, "-q"])
        try #require(converted.status == 0, "\(converted.stderr)")
        let common = [model, "-f", text, "-c", "256", "--chunks", "2", "--device", device]
        let cpu = try Self.perplexity(common + ["-ngl", "0"])
        #expect(cpu["gpu_layers"] as? Int == 0)
        #expect(cpu["layers_on_cpu"] as? [Int] == [0, 1, 2, 3, 4])
        let reference = try #require(cpu["perplexity"] as? Double)
        for (ngl, onDevice) in [("2", [3, 4]), ("all", [0, 1, 2, 3, 4])] {
            let document = try Self.perplexity(common + ["-ngl", ngl])
            #expect(document["layers_on_gpu"] as? [Int] == onDevice)
            #expect((document["device"] as? String)?.hasPrefix(device) == true)
            let value = try #require(document["perplexity"] as? Double)
            // The 0.05% for every type; measured on lavapipe: the CPU's perplexity to the last digit for F16,
            // Q8_0 and Q4_0, with 2 and with all layers on the device.
            let bound = 5e-4
            #expect(abs(value / reference - 1) <= bound, "\(type) -ngl \(ngl): \(value) vs CPU \(reference)")
        }

        // The log line names the device and the layers.
        let logged = try CLI.run(["perplexity"] + common + ["-ngl", "2"])
        #expect(logged.stderr.contains("layers 0-2 on the CPU, layers 3-4 on \(device)"), "\(logged.stderr)")
    }

    @Test("ggufkit imatrix --device: the statistics of layers on the device equal the CPU's; -ngl needs --device")
    func importanceMatrixOnDevice() throws {
        let required = ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_GPU"] == "1"
        guard let device = Self.device else {
            #expect(!required, "GGUFKIT_REQUIRE_GPU=1 but ggufkit --list-devices lists no device")
            return
        }
        guard let stories = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let folder = try TemporaryDirectory()
        let common = ["imatrix", stories, "-f", text, "-c", "128", "--chunks", "2", "-q"]
        let cpuPath = folder.file("cpu.gguf"), gpuPath = folder.file("gpu.gguf")
        let cpuRun = try CLI.run(common + ["-o", cpuPath])
        try #require(cpuRun.status == 0, "\(cpuRun.stderr)")
        let gpuRun = try CLI.run(common + ["-o", gpuPath, "--device", device, "-ngl", "3"])
        try #require(gpuRun.status == 0, "\(gpuRun.stderr)")
        let cpu = try ImportanceMatrix(contentsOf: cpuPath), gpu = try ImportanceMatrix(contentsOf: gpuPath)
        #expect(Set(cpu.entries.keys) == Set(gpu.entries.keys))
        #expect(cpu.entries.count == 35)
        for (name, reference) in cpu.entries {
            let entry = try #require(gpu.entries[name])
            #expect(entry.counts == reference.counts, "\(name)")
            for (got, expected) in zip(entry.sums, reference.sums) {
                // F32 weights: only summation order differs.
                #expect(abs(got - expected) <= 1e-4 * max(expected, 1e-6), "\(name): \(got) vs \(expected)")
            }
        }
        let withoutDevice = try CLI.run(common + ["-o", folder.file("x.gguf"), "-ngl", "3"])
        #expect(withoutDevice.status != 0)
        #expect(withoutDevice.stderr.contains("--device"), "\(withoutDevice.stderr)")
    }

    @Test("without a Vulkan loader the default runs on the CPU, and an explicit -ngl says why it cannot")
    func noVulkan() throws {
        guard let binary = CLI.binary, let stories = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let arguments = ["GGUFKIT_VULKAN_LOADER=/nonexistent", binary, "perplexity", stories, "-f", text, "-c", "64",
                         "--chunks", "1", "--json"]
        let plain = try ChildProcess.run("/usr/bin/env", arguments)
        try #require(plain.status == 0, "\(plain.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: plain.stdoutData) as? [String: Any])
        #expect(document["gpu_layers"] as? Int == 0)
        #expect(document["device"] is NSNull)
        let explicit = try ChildProcess.run("/usr/bin/env", arguments + ["-ngl", "all"])
        #expect(explicit.status != 0)
        #expect(explicit.stderr.contains("/nonexistent"), "\(explicit.stderr)")
    }
}
