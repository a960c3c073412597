import Foundation
import Testing
import TestSupport

/// `ggufkit compare --base-cache` reuses the original's log-probabilities only for the same model,
/// text and context size.
@Suite("ggufkit compare --base-cache", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct CompareBaseCacheTests {
    @Test("a cache is reused for the same original and rebuilt for another model of the same vocabulary")
    func reuseAndRebuild() throws {
        guard let model = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let folder = try TemporaryDirectory()
        try CLI.convert(model, to: ["f16", "q8_0"], in: folder)
        let cache = folder.file("base.klp")
        func compare(_ original: String, _ candidate: String) throws -> (log: String, perplexity: Double) {
            let result = try CLI.run(["compare", folder.file(original), folder.file(candidate), "-f", text,
                                      "-c", "64", "--chunks", "4", "--base-cache", cache, "--json"])
            try #require(result.status == 0, "\(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
            let original = try #require(document["original"] as? [String: Any])
            return (result.stderr, try #require(original["perplexity"] as? Double))
        }
        let first = try compare("f16.gguf", "q8_0.gguf")
        #expect(!first.log.contains("reusing"))
        let second = try compare("f16.gguf", "q8_0.gguf")
        #expect(second.log.contains("reusing"), "\(second.log)")
        #expect(second.perplexity == first.perplexity)
        // The same cache path with the Q8_0 file as the original: same vocabulary and tokens, another model.
        let swapped = try compare("q8_0.gguf", "f16.gguf")
        #expect(!swapped.log.contains("reusing"), "\(swapped.log)")
        #expect(swapped.log.contains("scoring the original again"), "\(swapped.log)")
        #expect(swapped.perplexity != first.perplexity)
    }

    @Test("a cache made on another text or with another context size is scored again, giving the figures of a run without a cache")
    func otherTextOrContext() throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.hidden = 64
        model.intermediate = 128
        model.dtypes = .all(.f32)
        try model.write(to: scratch.file("m"))
        try CLI.convert(scratch.file("m"), to: ["f16", "q8_0"], in: scratch)
        let words = ["abc", "bad", "cab", "ace", "dab", "fig", "hij", "klm", "nop", "qrs", "tuv", "wxy"]
        try writeText((0 ..< 200).map { words[($0 * 7 + $0 / 5) % words.count] }.joined(separator: " "), to: scratch.file("a.txt"))
        try writeText((0 ..< 200).map { words[($0 * 5 + $0 / 3) % words.count] + "z" }
            .joined(separator: "  "), to: scratch.file("b.txt"))
        let cache = scratch.file("base.klp")
        func compare(_ text: String, context: Int, cached: Bool = true) throws -> (log: String, perplexity: Double) {
            let result = try CLI.run(["compare", scratch.file("f16.gguf"), scratch.file("q8_0.gguf"), "-f", scratch.file(text),
                                      "-c", "\(context)", "--chunks", "2", "-t", "1", "--json"]
                + (cached ? ["--base-cache", cache] : []))
            try #require(result.status == 0, "\(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
            let original = try #require(document["original"] as? [String: Any])
            return (result.stderr, try #require(original["perplexity"] as? Double))
        }
        func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }

        let first = try compare("a.txt", context: 32)
        #expect(!first.log.contains("reusing"), "\(first.log)")
        #expect(try compare("a.txt", context: 32).log.contains("reusing"))

        let otherText = try compare("b.txt", context: 32)
        #expect(!otherText.log.contains("reusing"), "\(otherText.log)")
        #expect(otherText.log.contains("scoring the original again"), "\(otherText.log)")
        let freshText = try compare("b.txt", context: 32, cached: false)
        #expect(same(otherText.perplexity, freshText.perplexity), "\(otherText.perplexity) vs \(freshText.perplexity)")
        #expect(!same(otherText.perplexity, first.perplexity))
        // The cache now holds the second text.
        #expect(try compare("b.txt", context: 32).log.contains("reusing"))

        let otherContext = try compare("b.txt", context: 16)
        #expect(!otherContext.log.contains("reusing"), "\(otherContext.log)")
        #expect(otherContext.log.contains("scoring the original again"), "\(otherContext.log)")
        let freshContext = try compare("b.txt", context: 16, cached: false)
        #expect(same(otherContext.perplexity, freshContext.perplexity), "\(otherContext.perplexity) vs \(freshContext.perplexity)")
        #expect(!same(otherContext.perplexity, otherText.perplexity))
    }
}
