import Foundation
import Testing
import TestSupport

/// `convert --validate` / `quantize --validate`: the figures are `compare`'s, and the limits turn
/// them into exit code 3 with the file kept.
@Suite("convert and quantize --validate", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct ValidateCommandTests {
    static let validationText = TestAssets.packageRoot.appendingPathComponent("calibration/validation/en-loc-electronic-texts.txt").path
    static let scoring = ["--validate-context", "64", "--validate-chunks", "3"]

    func validation(_ result: ProcessOutput) throws -> [String: Any] {
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any],
                                    "\(result.output)")
        return try #require(document["validation"] as? [String: Any])
    }

    @Test("a Q8_0 file passes --max-kld 0.05; a Q2_K file fails it with exit 3, says why and is kept")
    func gate() throws {
        guard let model = References.stories260K() else { return }
        let folder = try TemporaryDirectory()
        let cache = folder.file("source.klp")
        let good = try CLI.run(["convert", model, "-o", folder.file("q8_0.gguf"), "--type", "q8_0", "--json",
                                "--max-kld", "0.05", "--validate-cache", cache] + Self.scoring)
        #expect(good.status == 0, "\(good.output)")
        let passed = try validation(good)
        #expect(passed["passed"] as? Bool == true)
        #expect(passed["reused_original"] as? Bool == false)
        #expect((passed["kl_divergence_mean"] as? Double ?? 1) < 0.05)

        let bad = try CLI.run(["convert", model, "-o", folder.file("q2_k.gguf"), "--type", "q2_k", "--validate",
                               "--max-kld", "0.05", "--validate-cache", cache] + Self.scoring)
        #expect(bad.status == 3, "\(bad.output)")
        #expect(bad.stderr.contains("validation failed: mean KL divergence"), "\(bad.stderr)")
        #expect(bad.stderr.contains("--max-kld 0.05"), "\(bad.stderr)")
        #expect(bad.stderr.contains("reusing the original's log-probabilities"), "\(bad.stderr)")
        #expect(bad.stdout.contains("validated on en-loc-electronic-texts.txt (3 chunks of 64)"), "\(bad.stdout)")
        #expect(FileManager.default.fileExists(atPath: folder.file("q2_k.gguf")))

        let loose = try CLI.run(["quantize", folder.file("q8_0.gguf"), folder.file("q4_0.gguf"), "q4_0",
                                 "--max-dppl", "1000%", "--json"] + Self.scoring)
        #expect(loose.status == 0, "\(loose.output)")
        #expect(try validation(loose)["original"] as? String == folder.file("q8_0.gguf"))
    }

    @Test("--validate prints the figures compare prints for the same files, text, chunks and context")
    func sameAsCompare() throws {
        guard let model = References.stories260K() else { return }
        let folder = try TemporaryDirectory()
        let converted = try CLI.run(["convert", model, "-o", folder.file("q4_k_m.gguf"), "--type", "q4_k_m", "--json",
                                     "--validate", "--validate-cache", folder.file("source.klp")] + Self.scoring)
        try #require(converted.status == 0, "\(converted.output)")
        let figures = try validation(converted)
        let compared = try CLI.run(["compare", model, folder.file("q4_k_m.gguf"), "-f", Self.validationText,
                                    "-c", "64", "--chunks", "3", "--json"])
        try #require(compared.status == 0, "\(compared.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: compared.stdoutData) as? [String: Any])
        let original = try #require(document["original"] as? [String: Any])
        let candidate = try #require((document["candidates"] as? [[String: Any]])?.first)
        #expect(figures["original_perplexity"] as? Double == original["perplexity"] as? Double)
        for key in ["perplexity", "delta_perplexity", "kl_divergence_mean", "kl_divergence_p99", "top1_agreement"] {
            #expect(figures[key] as? Double == candidate[key] as? Double, "\(key)")
        }
    }

    @Test("bad limits are usage errors")
    func badLimits() throws {
        let result = try CLI.run(["convert", "/nonexistent", "-o", "/tmp/x.gguf", "--max-dppl", "five"])
        #expect(result.status == 64, "\(result.output)")
        #expect(result.stderr.contains("--max-dppl"))
    }
}
