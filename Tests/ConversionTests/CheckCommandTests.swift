import Foundation
import Testing
import TestSupport

/// `ggufkit check`'s output and exit status, and that the fixes it suggests clear its warnings.
@Suite("check command", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct CheckCommandTests {
    @Test("warnings exit with 3 and list in --json; applying the suggested fixes gives a clean file and exit 0")
    func exitStatus() throws {
        guard let model = References.stories260K() else { return }
        let directory = try TemporaryDirectory()
        let converted = directory.file("stories.gguf")
        let made = try CLI.run(["convert", model, "-o", converted, "-q"])
        try #require(made.status == 0, "\(made.stderr)")

        let checked = try CLI.run(["check", converted, "--json"])
        #expect(checked.status == 4)
        let report = try #require(try JSONSerialization.jsonObject(with: checked.stdoutData) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["code"] as? String } == ["pad-is-eos", "no-chat-template"])
        #expect(findings.allSatisfy { ($0["fix"] as? String)?.contains("--override-kv") == true })
        #expect(report["warnings"] as? Int == 2 && report["tensors_scanned"] as? Int == 47)

        let fixed = directory.file("fixed.gguf")
        let template = "{% for m in messages %}{{ m['role'] + ': ' + m['content'] + '\\n' }}{% endfor %}"
        let quantized = try CLI.run(["quantize", converted, fixed, "f16", "-q",
                                     "--override-kv", "tokenizer.ggml.padding_token_id=int:0",
                                     "--override-kv", "tokenizer.chat_template=str:\(template)"])
        try #require(quantized.status == 0, "\(quantized.stderr)")
        let clean = try CLI.run(["check", fixed])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.hasPrefix("\(fixed): no warnings (47 of 47 tensors scanned)"))

        let missing = try CLI.run(["check", directory.file("absent.gguf")])
        #expect(missing.status == 1)
    }
}
