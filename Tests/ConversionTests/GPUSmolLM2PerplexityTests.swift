import Foundation
import Testing
import TestSupport

/// `ggufkit perplexity` on SmolLM2-135M with layers on the GPU (lavapipe on CI): the device path's perplexity
/// equals the CPU path's within the 0.05% for F16, Q8_0, Q4_0 and Q4_K_M (whose 576-wide rows are Q5_0,
/// with Q4_K, Q6_K and Q8_0 tensors), with half and with all layers on the device, and the JSON says the layers
/// ran there.
///
/// Kept short for CI, where lavapipe runs these products slowly: 2 chunks of 128 tokens.
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
          arguments: ["f16", "q8_0", "q4_0", "q4_k_m"])
    func matchesCPU(type: String) throws {
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
        for ngl in ["15", "all"] {
            let document = try GPUPerplexityCommandTests.perplexity(common + ["-ngl", ngl])
            let onDevice = ngl == "all" ? Array(0 ..< 30) : Array(15 ..< 30)
            #expect(document["layers_on_gpu"] as? [Int] == onDevice)
            #expect(document["layers_on_cpu"] as? [Int] == Array(0 ..< 30 - onDevice.count))
            #expect((document["device"] as? String)?.hasPrefix(device) == true)
            #expect((document["device_weight_bytes"] as? Int ?? 0) > 0)
            let value = try #require(document["perplexity"] as? Double)
            print("GPUSmolLM2PerplexityTests: \(type) -ngl \(ngl): PPL \(value) vs CPU \(reference), "
                + "ratio \(value / reference - 1)")
            #expect(abs(value / reference - 1) <= 5e-4, "\(type) -ngl \(ngl): \(value) vs CPU \(reference)")
        }
    }

    // Measured on lavapipe with the CPU's AVX-512 batch kernels: the quantized types give the CPU's perplexity to
    // the last bit (every product of theirs, the attention and the elementwise steps repeat the CPU's float steps;
    // an 8-bit activation rounding flips on a last-bit difference, and on 2 × 128 tokens a few flips move the
    // perplexity by up to a percent). F16 products are sgemm on the CPU and differ in order: half −0.010%, all
    // +0.021%.
}
