import Foundation
import GGUF
import Inference
import Testing
import TestSupport

/// Small random models on the device: the weight types and architectures stories260K cannot cover (K-quant
/// rows need 256 values; qwen2 has biases and neox RoPE).
@Suite("Tiny random models with layers on the GPU", .serialized,
       .enabled(if: OffloadDevice.enabled, "no Vulkan device for the GPU offload tests"))
struct GPUTinyModelTests {
    struct Case: Sendable, CustomStringConvertible {
        var architecture: String
        var type: GGMLType
        var description: String { "\(architecture) \(type.name)" }
    }

    @Test("logits with all and half the layers on the device match the CPU's, with and without activation rounding",
          arguments: [
        Case(architecture: "llama", type: .q4_K), Case(architecture: "llama", type: .q6_K),
        Case(architecture: "qwen2", type: .q8_0), Case(architecture: "qwen2", type: .f16),
    ])
    func offload(_ c: Case) throws {
        var spec = TinyModelSpec()
        spec.architecture = c.architecture
        spec.biases = c.architecture == "qwen2"
        spec.weightType = c.type
        let wide = c.type == .q4_K || c.type == .q6_K
        spec.hidden = wide ? 256 : 64
        spec.headDim = wide ? 64 : 16
        spec.ffn = wide ? [256, 256] : [96, 96]
        for precision in [ActivationPrecision.exact, .llamaCpp] {
            var options = InferenceOptions(threads: 1)
            options.activationPrecision = precision
            options.gpuDevice = OffloadDevice.name
            let (_, cpu, folder) = try TinyModelTests.load(spec, options: options)
            let sequences = [TinyModelTests.tokens, Array(TinyModelTests.tokens.prefix(4))]
            let reference = try TinyModelTests.allLogits(cpu, sequences)
            let path = folder.file("tiny.gguf")
            for gpuLayers in [1, 2] {
                options.gpuLayers = gpuLayers
                let model = try LlamaModel(ggufPath: path, options: options)
                #expect(model.placement.gpuLayers == 2 - gpuLayers ..< 2)
                let logits = try TinyModelTests.allLogits(model, sequences)
                let expected = Array(reference.joined().joined()), got = Array(logits.joined().joined())
                try #require(expected.count == got.count)
                let scale = expected.map(abs).max() ?? 1
                let largest = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
                // Without rounding only summation order differs. With llama.cpp's rounding, an activation whose
                // last bits differ can land on the other side of an 8-bit (Q8_1) or F16 rounding step; on a model
                // 64 values wide one such step moves logits by up to about 1% (seen once here: Q8_0, 0.7%),
                // while the CPU's own batch and token-by-token paths agree to 5e-7 on the same input.
                let bound: Float = precision == .exact || wide ? 1e-5 : 1e-2
                #expect(largest <= bound * scale, "\(c) \(precision) -ngl \(gpuLayers): max |Δlogit| \(largest) of \(scale)")
            }
        }
    }
}
