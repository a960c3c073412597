import FileSupport
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Prompt-processing and generation speed, like llama-bench's pp512 and tg128."
    )

    @Argument(help: "A GGUF file or a Hugging Face model folder.")
    var model: String

    @Option(name: [.customShort("p"), .long], help: "Prompt tokens for the prompt-processing test.")
    var promptTokens = 512

    @Option(name: .shortAndLong, help: "Tokens for the generation test.")
    var n = 128

    @Option(name: .shortAndLong, help: "Repetitions of each test.")
    var repetitions = 3

    @Flag(name: .long, help: "Print JSON on stdout.")
    var json = false

    @OptionGroup var weightCache: WeightCacheOption

    @OptionGroup var gpu: GPUOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard promptTokens >= 1, n >= 1, repetitions >= 1 else { throw ValidationError("-p, -n and -r must be positive") }
    }

    func run() throws {
        let loaded = try LoadedModel.open(model, threads: common.threads, weightCacheBytes: weightCache.bytes, gpu: gpu)
        common.log("\(loaded.model.placement)")
        let vocab = loaded.model.vocabSize
        var generator = SeededGenerator(seed: 1)
        let prompt = (0 ..< promptTokens).map { _ in Int32(generator.next() % UInt64(vocab)) }

        // One untimed pass warms caches and dequantized weights, as llama-bench does.
        try loaded.model.evaluate(sequences: [Array(prompt.prefix(16))], outputPositions: 15 ..< 16) { _, _, _ in }
        var pp: [Double] = []
        for _ in 0 ..< repetitions {
            let start = DispatchTime.now()
            try loaded.model.evaluate(sequences: [prompt], outputPositions: (promptTokens - 1) ..< promptTokens) { _, _, _ in }
            pp.append(Double(promptTokens) / elapsed(since: start))
        }
        var tg: [Double] = []
        for _ in 0 ..< repetitions {
            let session = loaded.model.makeSession(maxTokens: n + 1)
            var token = loaded.tokenizer.bosTokenID ?? 0
            let start = DispatchTime.now()
            for _ in 0 ..< n {
                let logits = try session.append(tokens: [token])
                token = Int32(logits.indices.max { logits[$0] < logits[$1] } ?? 0)
            }
            tg.append(Double(n) / elapsed(since: start))
        }
        let rows = [("pp\(promptTokens)", pp), ("tg\(n)", tg)]
        // The process's high-water mark: the mapped file pages it touched, the KV cache and scratch space.
        let peak = ProcessMemory.peakResidentBytes
        if json {
            let object: [String: Any] = [
                "model": model, "file_bytes": loaded.fileBytes, "threads": common.threads, "peak_rss_bytes": peak,
                "bits_per_weight": loaded.bitsPerWeight ?? NSNull(),
                "tests": rows.map { ["test": $0.0, "tokens_per_second": mean($0.1), "stddev": stddev($0.1)] as [String: Any] },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
                         as: UTF8.self))
        } else {
            let name = URL(fileURLWithPath: model).lastPathComponent
            print("| model | size MB | threads | test | t/s | peak RSS MB |")
            print("|---|---|---|---|---|---|")
            for (test, values) in rows {
                print(String(format: "| %@ | %.1f | %d | %@ | %.2f ± %.2f | %.1f |", name, Double(loaded.fileBytes) / 1e6,
                             common.threads, test, mean(values), stddev(values), Double(peak) / 1e6))
            }
        }
    }

    private func elapsed(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    private func stddev(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
    }
}
