// Perplexity-style inference speed: 4 sequences x 512 tokens, logits for the last 256 of each
// (llama-perplexity's 2048-token pass), for each GGUF file given, plus the machine's sgemm ceiling
// and each file's fraction of it. Release build:
//   swift run -c release inference-benchmark [--threads N] FILE.gguf...
// Prints a Markdown table.
import Foundation
import Inference

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = 2
if let flag = arguments.firstIndex(of: "--threads"), flag + 1 < arguments.count, let n = Int(arguments[flag + 1]) {
    threads = n
    arguments.removeSubrange(flag ... flag + 1)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Multiply-adds of one pass (x2 for FLOPs): projections, causal attention, the head rows.
func flops(_ hyper: ModelHyperParameters, vocabulary: Int, sequences: Int, length: Int, outputs: Int) -> Double {
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

let ceiling = InferenceDiagnostics.matrixMultiplyGFLOPS(size: 2048, threads: threads)
print(String(format: "sgemm ceiling: %.1f GFLOP/s (2048^3, %d threads, OpenBLAS %@ kernels)", ceiling, threads,
             InferenceDiagnostics.blasKernels))
print("")
print("| file | first pass tok/s | best tok/s (of 3) | GFLOP/s | % of sgemm |")
print("|---|---|---|---|---|")
var state: UInt64 = 1
for path in arguments {
    let model = try LlamaModel(ggufPath: path, options: InferenceOptions(threads: threads))
    let sequences = (0 ..< 4).map { _ in
        (0 ..< 512).map { _ -> Int32 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int32((state >> 33) % UInt64(model.vocabSize))
        }
    }
    let work = flops(model.hyper, vocabulary: model.vocabSize, sequences: 4, length: 512, outputs: 256)
    var times: [Double] = []
    for _ in 0 ..< 4 {
        times.append(try seconds {
            try model.evaluate(sequences: sequences, outputPositions: 256 ..< 512) { _, _, _ in }
        })
    }
    let best = times.dropFirst().min()!
    print(String(format: "| %@ | %.0f | %.0f | %.1f | %.0f%% |", (path as NSString).lastPathComponent,
                 2048 / times[0], 2048 / best, work / best / 1e9, 100 * work / best / 1e9 / ceiling))
}
