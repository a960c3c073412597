import Foundation
import Testing
import TestSupport

/// `perplexity`, `generate`, `bench` and `export` from the command line on stories260K: exit codes,
/// the JSON documents scripts read, and the errors for bad input.
@Suite("ggufkit perplexity, generate, bench and export", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct EvaluationCommandsTests {
    /// stories260K as Q8_0 in a fresh folder, and the TinyStories sample.
    static func prepare() throws -> (folder: TemporaryDirectory, model: String, text: String)? {
        guard let stories = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return nil }
        let folder = try TemporaryDirectory()
        let model = folder.file("stories.gguf")
        let converted = try CLI.run(["convert", stories, "-o", model, "--type", "q8_0", "-q"])
        try #require(converted.status == 0, "\(converted.stderr)")
        return (folder, model, text)
    }

    static func json(_ result: ProcessOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    @Test("perplexity: the JSON document, and exit codes 1 for a missing text and 64 for a bad option")
    func perplexity() throws {
        guard let (folder, model, text) = try Self.prepare() else { return }
        let result = try CLI.run(["perplexity", model, "-f", text, "-c", "64", "--chunks", "2", "--json", "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        let document = try Self.json(result)
        #expect(Set(document.keys).isSuperset(of: ["model", "text", "context", "chunks", "scored_tokens", "perplexity",
                                                   "perplexity_error", "running_perplexity", "tokens_per_second",
                                                   "file_bytes", "bits_per_weight"]))
        let value = try #require(document["perplexity"] as? Double)
        #expect(value > 1 && value < 20)
        #expect(document["chunks"] as? Int == 2 && document["scored_tokens"] as? Int == 2 * (64 - 1 - 32))
        #expect((document["running_perplexity"] as? [Double])?.last == value)

        let missing = try CLI.run(["perplexity", model, "-f", folder.file("missing.txt"), "-q"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("missing.txt"))
        let badContext = try CLI.run(["perplexity", model, "-f", text, "-c", "0"])
        #expect(badContext.status == 64)
        #expect(badContext.stderr.contains("-c"))
        let notAModel = try CLI.run(["perplexity", text, "-f", text, "-q"])
        #expect(notAModel.status != 0)
        #expect(notAModel.stderr.contains("valid-sample.txt"))
    }

    @Test("generate: greedy decoding continues the prompt and repeats itself exactly")
    func generate() throws {
        // Keep the folder alive (it is deleted when released) for as long as the model is used.
        guard let prepared = try Self.prepare() else { return }
        let model = prepared.model
        defer { withExtendedLifetime(prepared.folder) {} }
        let arguments = ["generate", model, "-p", "Once upon a time", "-n", "8", "--temp", "0", "-q"]
        let first = try CLI.run(arguments), second = try CLI.run(arguments)
        try #require(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("Once upon a time"))
        #expect(first.stdout.count > "Once upon a time".count)
        #expect(second.stdout == first.stdout)
        let badCount = try CLI.run(["generate", model, "-p", "x", "-n", "-3"])
        #expect(badCount.status == 64)
    }

    @Test("bench: one prompt and one generation test in the JSON document")
    func bench() throws {
        guard let prepared = try Self.prepare() else { return }
        let model = prepared.model
        defer { withExtendedLifetime(prepared.folder) {} }
        let result = try CLI.run(["bench", model, "-p", "16", "-n", "8", "-r", "1", "--json", "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        let document = try Self.json(result)
        #expect(Set(document.keys).isSuperset(of: ["model", "threads", "tests", "file_bytes", "bits_per_weight"]))
        let tests = try #require(document["tests"] as? [[String: Any]])
        #expect(tests.compactMap { $0["test"] as? String } == ["pp16", "tg8"])
        #expect(tests.allSatisfy { ($0["tokens_per_second"] as? Double ?? 0) > 0 })
    }

    @Test("export: a folder Hugging Face tools read; an existing folder is refused without --force")
    func export() throws {
        guard let (folder, model, _) = try Self.prepare() else { return }
        let output = folder.file("hf")
        let result = try CLI.run(["export", model, "-o", output, "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        for name in ["config.json", "model.safetensors", "tokenizer_config.json"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + name), "\(name)")
        }
        let config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))) as? [String: Any])
        #expect(config["architectures"] as? [String] == ["LlamaForCausalLM"])
        let again = try CLI.run(["export", model, "-o", output, "-q"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("hf"))
        let forced = try CLI.run(["export", model, "-o", output, "--force", "-q"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let badType = try CLI.run(["export", model, "-o", folder.file("x"), "--dtype", "q4_0"])
        #expect(badType.status == 64)
    }
}
