import Foundation
import Testing
import TestSupport

/// `ggufkit compare --by-class` end to end on stories260K: F16 against Q8_0.
@Suite("ggufkit compare --by-class", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct CompareByClassTests {
    @Test("the JSON report has every class, their positions adding up to the scored ones")
    func byClassJSON() throws {
        guard let model = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let folder = try TemporaryDirectory()
        try CLI.convert(model, to: ["f16", "q8_0"], in: folder)
        let result = try CLI.run(["compare", folder.file("f16.gguf"), folder.file("q8_0.gguf"), "-f", text,
                                  "-c", "64", "--chunks", "4", "--by-class", "--json", "-q"])
        try #require(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let candidate = try #require((document["candidates"] as? [[String: Any]])?.first)
        let classes = try #require(candidate["by_class"] as? [[String: Any]])
        let names: [String] = classes.compactMap { $0["name"] as? String }
        let expectedNames = ["CJK characters", "CJK punctuation", "ASCII punctuation", "digits", "whitespace", "code symbols", "other"]
        #expect(names == expectedNames)
        let tokens: [Int] = classes.compactMap { $0["tokens"] as? Int }
        let scored = 4 * (64 - 1 - 32)
        let total: Int = tokens.reduce(0, +)
        #expect(total == scored)
        // Stories are English prose: letters and punctuation, no CJK.
        #expect(tokens[0] == 0 && tokens[6] > 0 && tokens[2] > 0)
        for entry in classes where (entry["tokens"] as? Int ?? 0) > 0 {
            let divergence: Double = entry["kl_divergence_mean"] as? Double ?? -1
            let agreement: Double = entry["top1_agreement"] as? Double ?? -1
            #expect(divergence >= 0)
            #expect(agreement > 0.5)
        }
    }

    @Test("--by-class with --csv is a usage error")
    func notWithCSV() throws {
        let result = try CLI.run(["compare", "a.gguf", "b.gguf", "-f", "t.txt", "--by-class", "--csv"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--by-class"))
    }
}
