import Foundation
import Testing
import TestSupport

/// `ggufkit compare --base-cache` reuses the original's log-probabilities only for the same model
/// and text.
@Suite("ggufkit compare --base-cache", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct CompareBaseCacheTests {
    @Test("a cache is reused for the same original and rebuilt for another model of the same vocabulary")
    func reuseAndRebuild() throws {
        guard let model = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let folder = try TemporaryDirectory()
        for type in ["f16", "q8_0"] {
            let converted = try CLI.run(["convert", model, "-o", folder.file("\(type).gguf"), "--type", type, "-q"])
            try #require(converted.status == 0, "\(converted.stderr)")
        }
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
}
