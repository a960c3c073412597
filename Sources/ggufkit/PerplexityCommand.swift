import ArgumentParser
import Evaluation
import Foundation

struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Score a GGUF file or Hugging Face folder on a text, with llama-perplexity's protocol."
    )

    @Argument(help: "A GGUF file or a Hugging Face model folder.")
    var model: String

    @OptionGroup var scoring: ScoringOptions

    @Flag(name: .long, help: "Print the result as JSON on stdout.")
    var json = false

    @OptionGroup var weightCache: WeightCacheOption

    @OptionGroup var gpu: GPUOption

    @OptionGroup var common: CommonOptions

    func run() throws {
        let loaded = try LoadedModel.open(model, threads: common.threads, weightCacheBytes: weightCache.bytes, gpu: gpu)
        let placement = loaded.model.placement
        common.log("\(placement)")
        let tokens = try loaded.tokenize(textFile: scoring.file)
        let runner = scoring.runner(bos: loaded.chunkBOS)
        common.log("\(scoring.file): \(tokens.count) tokens, \(runner.chunkCount(tokens: tokens.count)) chunks of \(scoring.context)")
        let stderrIsTerminal = isatty(STDERR_FILENO) != 0
        let result = try runner.run(model: loaded.model, tokens: tokens, modelPath: model, textPath: scoring.file,
                                    progress: { chunk, ppl in
            guard !common.quiet, !json || stderrIsTerminal else { return }
            FileHandle.standardError.write(Data(String(format: "[%d]%.4f,", chunk + 1, ppl).utf8))
        })
        if !common.quiet { FileHandle.standardError.write(Data("\n".utf8)) }
        if json {
            let object: [String: Any] = [
                "model": model, "text": scoring.file, "context": scoring.context, "chunks": result.chunks,
                "scored_tokens": result.scoredTokens, "perplexity": result.perplexity,
                "perplexity_error": result.perplexityError, "running_perplexity": result.runningPerplexity,
                "seconds": result.seconds, "tokens_per_second": result.tokensPerSecond,
                "file_bytes": loaded.fileBytes, "bits_per_weight": loaded.bitsPerWeight ?? NSNull(),
                "device": placement.device ?? NSNull(), "gpu_layers": placement.gpuLayers?.count ?? 0,
                "layers_on_gpu": placement.gpuLayers.map { Array($0) } ?? [],
                "layers_on_cpu": Array(placement.cpuLayers), "device_weight_bytes": placement.deviceWeightBytes,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(String(format: "Final estimate: PPL = %.4f +/- %.5f  (%d chunks, %d scored tokens, %.1f tokens/s)",
                         result.perplexity, result.perplexityError, result.chunks, result.scoredTokens,
                         result.tokensPerSecond))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
