import ArgumentParser
import Foundation
import Tokenizers

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a GGUF file or Hugging Face folder (greedy by default)."
    )

    @Argument(help: "A GGUF file or a Hugging Face model folder.")
    var model: String

    @Option(name: .shortAndLong, help: "The prompt.")
    var prompt: String

    @Option(name: .shortAndLong, help: "Tokens to generate at most.")
    var n = 64

    @Option(name: .long, help: "Sampling temperature; 0 picks the most likely token.")
    var temp: Float = 0

    @Option(name: .long, help: "Sample among the k most likely tokens (0: all).")
    var topK = 40

    @Option(name: .long, help: "Sample from the smallest set of tokens whose probability reaches p.")
    var topP: Float = 0.95

    @Option(name: .long, help: "Random seed for sampling.")
    var seed: UInt64 = 42

    @Flag(name: .long, help: "Keep going after an end-of-sequence token.")
    var ignoreEos = false

    @OptionGroup var weightCache: WeightCacheOption

    @OptionGroup var gpu: GPUOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard n >= 0, n <= 1 << 20 else { throw ValidationError("-n must be in 0...1048576") }
        guard temp >= 0, topP > 0, topP <= 1, topK >= 0 else { throw ValidationError("invalid sampling options") }
    }

    func run() throws {
        let loaded = try LoadedModel.open(model, threads: common.threads, weightCacheBytes: weightCache.bytes, gpu: gpu)
        common.log("\(loaded.model.placement)")
        let promptTokens = try loaded.tokenizer.encode(prompt, addSpecial: true, parseSpecial: true)
        guard !promptTokens.isEmpty else { throw ValidationError("the prompt is empty") }
        let session = loaded.model.makeSession(maxTokens: promptTokens.count + n)
        var sampler = Sampler(temperature: temp, topK: topK, topP: topP, seed: seed)
        let start = DispatchTime.now()
        var logits = try session.append(tokens: promptTokens)
        let promptSeconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        var generated: [Int32] = []
        var decoder = IncrementalDecoder(tokenizer: loaded.tokenizer)
        let out = FileHandle.standardOutput
        func emit(_ text: String) { out.write(Data(text.utf8)) }
        emit(prompt)
        let generationStart = DispatchTime.now()
        for _ in 0 ..< n {
            let token = sampler.next(logits)
            if !ignoreEos, token == loaded.tokenizer.eosTokenID { break }
            generated.append(token)
            // The decoder holds back characters split across tokens until they are whole.
            emit(decoder.append(token))
            logits = try session.append(tokens: [token])
        }
        emit(decoder.finish() + "\n")
        let generationSeconds = Double(DispatchTime.now().uptimeNanoseconds - generationStart.uptimeNanoseconds) / 1e9
        common.log(String(format: "prompt: %d tokens, %.1f tokens/s; generated: %d tokens, %.1f tokens/s",
                          promptTokens.count, Double(promptTokens.count) / max(promptSeconds, 1e-9),
                          generated.count, Double(generated.count) / max(generationSeconds, 1e-9)))
    }
}
