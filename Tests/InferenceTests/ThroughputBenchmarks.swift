import Foundation
import Inference
import Testing

/// Speed of perplexity-style evaluation, run only on request:
///
///     swift build -c release --scratch-path .build-inf --product ggufkit
///     .build-inf/release/ggufkit convert ~/.cache/ggufkit-fixtures/smollm2-135m-instruct -o /tmp/inf/smol-q4_0.gguf --type q4_0
///     GGUFKIT_INFERENCE_BENCH=/tmp/inf swift test -c release --scratch-path .build-inf --filter ThroughputBenchmarks
///
/// `GGUFKIT_INFERENCE_BENCH` names a folder of GGUF files (or files separated by `:`);
/// `GGUFKIT_INFERENCE_THREADS` sets the thread count (default 2). The numbers are printed.
@Suite("Inference throughput", .enabled(if: BenchmarkSettings.models != nil,
                                        "set GGUFKIT_INFERENCE_BENCH to a folder of GGUF files to measure speed"))
struct ThroughputBenchmarks {
    static let threads = BenchmarkSettings.threads

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Multiply-adds of one pass (×2 for FLOPs): projections, causal attention, the head rows.
    static func flops(_ hyper: ModelHyperParameters, vocabulary: Int, sequences: Int, length: Int,
                      outputs: Int) -> Double {
        let tokens = Double(sequences * length)
        var total = 0.0
        for layer in 0 ..< hyper.layerCount {
            let d = Double(hyper.embeddingLength)
            let projections = d * Double(hyper.queryWidth(layer: layer) + hyper.keyWidth(layer: layer)
                + hyper.valueWidth(layer: layer)) + Double(hyper.attentionWidth(layer: layer)) * d
                + 3 * d * Double(hyper.feedForwardLengths[layer])
            total += 2 * tokens * projections
            let causalPairs = Double(length) * Double(length + 1) / 2
            total += 2 * Double(sequences) * Double(hyper.headCounts[layer]) * causalPairs
                * Double(hyper.keyLength + hyper.valueLength)
        }
        return total + 2 * Double(sequences * outputs) * Double(hyper.embeddingLength) * Double(vocabulary)
    }

    @Test("4 sequences × 512 tokens, logits for the last 256 positions of each")
    func perplexityBatches() throws {
        let ceiling = InferenceDiagnostics.matrixMultiplyGFLOPS(size: 2048, threads: Self.threads)
        print(String(format: "sgemm ceiling (2048³, %d threads, %@ kernels): %.1f GFLOP/s", Self.threads,
                     InferenceDiagnostics.blasKernels, ceiling))
        for path in BenchmarkSettings.models ?? [] {
            let model = try LlamaModel(ggufPath: path, options: InferenceOptions(threads: Self.threads))
            var random = SplitMix64(seed: 1)
            let sequences = (0 ..< 4).map { _ in
                (0 ..< 512).map { _ in Int32(random.next() % UInt64(model.vocabSize)) }
            }
            let flops = Self.flops(model.hyper, vocabulary: model.vocabSize, sequences: 4, length: 512, outputs: 256)
            var times: [Double] = []
            for _ in 0 ..< 3 {
                var outputs = 0
                times.append(try Self.seconds {
                    try model.evaluate(sequences: sequences, outputPositions: 256 ..< 512) { _, _, _ in outputs += 1 }
                })
                #expect(outputs == 4 * 256)
            }
            let best = times.min()!
            print(String(format: "%@: first pass %.0f tok/s (decodes weights), best %.0f tok/s, %.1f GFLOP/s = %.0f%% of sgemm",
                         (path as NSString).lastPathComponent, 2048 / times[0], 2048 / best,
                         flops / best / 1e9, 100 * flops / best / 1e9 / ceiling))
        }
    }
}

/// What the benchmark measures, from the environment.
enum BenchmarkSettings {
    static let models: [String]? = {
        guard let setting = ProcessInfo.processInfo.environment["GGUFKIT_INFERENCE_BENCH"] else { return nil }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: setting, isDirectory: &isFolder), isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: setting)) ?? []
            return names.filter { $0.hasSuffix(".gguf") }.sorted().map { setting + "/" + $0 }
        }
        return setting.split(separator: ":").map(String.init)
    }()

    static let threads = Int(ProcessInfo.processInfo.environment["GGUFKIT_INFERENCE_THREADS"] ?? "") ?? 2
}
