import Foundation
import Testing
import TestSupport

/// `ggufkit perplexity` on SmolLM2-135M with layers on the GPU (lavapipe on CI): the device path's perplexity
/// equals the CPU path's for F16, Q8_0, Q4_0 and Q4_K_M (whose 576-wide rows are Q5_0, with Q4_K, Q6_K and
/// Q8_0 tensors), and the JSON says the layers ran on the device.
///
/// Kept short for CI, where lavapipe runs these products slowly: 2 chunks of 128 tokens, half the layers
/// (15 of 30) on the device for every type, and all of them for Q4_K_M only (docs/gpu.md has the
/// measurements at 2 chunks of 512).
@Suite("ggufkit perplexity of SmolLM2 with layers on the GPU", .serialized,
       .enabled(if: CLI.binary != nil, CLI.skipReason),
       .enabled(if: TestAssets.smolLM2 != nil || References.required,
                "needs the SmolLM2 checkpoint (../shared/scripts/make-smollm2-hf.sh or GGUFKIT_SMOLLM2_DIR)"))
struct GPUSmolLM2PerplexityTests {
    /// The files, made once: HF → F16 with `convert`, the rest with `quantize` from the F16 file.
    static let folder = try? TemporaryDirectory()

    static func model(_ type: String) throws -> String {
        let folder = try #require(Self.folder)
        let path = folder.file("smollm2-\(type).gguf")
        if FileManager.default.fileExists(atPath: path) { return path }
        let checkpoint = try #require(References.smolLM2())
        let f16 = folder.file("smollm2-f16.gguf")
        if !FileManager.default.fileExists(atPath: f16) {
            let converted = try CLI.run(["convert", checkpoint, "-o", f16, "--type", "f16", "-q"])
            try #require(converted.status == 0, "\(converted.stderr)")
        }
        if type != "f16" {
            let quantized = try CLI.run(["quantize", f16, path, type, "-q"])
            try #require(quantized.status == 0, "\(quantized.stderr)")
        }
        return path
    }

    @Test("SmolLM2 perplexity (2 chunks of 128) on the device equals the CPU's",
          arguments: [("f16", ["15"]), ("q8_0", ["15"]), ("q4_0", ["15"]), ("q4_k_m", ["15", "all"])])
    func matchesCPU(type: String, offloads: [String]) throws {
        let required = ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_GPU"] == "1"
        guard let device = GPUPerplexityCommandTests.device else {
            #expect(!required, "GGUFKIT_REQUIRE_GPU=1 but ggufkit --list-devices lists no device")
            return
        }
        guard let text = References.locate(TestAssets.shared("text/wikitext-2-raw/wiki.test.raw"), "../shared/text")
        else { return }
        let common = [try Self.model(type), "-f", text, "-c", "128", "--chunks", "2", "--device", device]
        let cpu = try GPUPerplexityCommandTests.perplexity(common + ["-ngl", "0"])
        #expect(cpu["gpu_layers"] as? Int == 0)
        let reference = try #require(cpu["perplexity"] as? Double)
        for ngl in offloads {
            let document = try GPUPerplexityCommandTests.perplexity(common + ["-ngl", ngl])
            let onDevice = ngl == "all" ? Array(0 ..< 30) : Array(15 ..< 30)
            #expect(document["layers_on_gpu"] as? [Int] == onDevice)
            #expect(document["layers_on_cpu"] as? [Int] == Array(0 ..< 30 - onDevice.count))
            #expect((document["device"] as? String)?.hasPrefix(device) == true)
            #expect((document["device_weight_bytes"] as? Int ?? 0) > 0)
            let value = try #require(document["perplexity"] as? Double)
            let bound = Self.bounds[type] ?? 5e-4
            print("GPUSmolLM2PerplexityTests: \(type) -ngl \(ngl): PPL \(value) vs CPU \(reference), "
                + "ratio \(value / reference - 1)")
            #expect(abs(value / reference - 1) <= bound, "\(type) -ngl \(ngl): \(value) vs CPU \(reference)")
        }
    }

    /// Relative bounds: the 0.05% for F16 and Q8_0 (measured in this test on lavapipe: F16 +0.028%,
    /// Q8_0 −0.018% with half the layers). Q4_0 and Q4_K_M round activations to 8-bit blocks before each
    /// product; the device's sums (in another order than the CPU's) differ in the last bits, so now and then a
    /// value lands on the other side of a rounding step, and over 2 × 128 tokens those steps do not average out:
    /// measured Q4_0 +0.14% (half), Q4_K_M +0.61% (half) and −1.24% (all). Q4_K_M's Q8_K rounding of the SwiGLU
    /// output is that sensitive on this text whoever computes it: the CPU's own integer batch kernels and its
    /// sgemm path differ by 0.71%, and llama-perplexity with and without its repacked kernels by 1.5%.
    /// Not the 0.05% for those two (see docs/gpu.md).
    static let bounds: [String: Double] = ["f16": 5e-4, "q8_0": 5e-4, "q4_0": 3e-3, "q4_k_m": 1.5e-2]
}
