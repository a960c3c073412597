import Conversion
import Foundation
import Testing
import TestSupport

/// `ggufkit tokenize` against `llama-tokenize` on the same GGUF: byte-identical output for
/// prompts (pieces and ids, special-token and escape handling) and for whole files, the
/// WikiText-2 test split and 300 KB of Chinese among them.
@Suite("ggufkit tokenize", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct TokenizeCommandTests {
    static let probe = "\\n \\n\\n \\t\\t 🚀 (normal) 😶\u{200D}🌫️ ✅ 🦙🦙 3 33 333 3333 33333 3.3 3...3 "
        + "កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български '''```\"\"......!!!??? "
        + "I've been 'told he's there, 'RE you sure? 'M not sure I'll make it. 한국어 テスト、句読点。"

    static let specialText = "<\u{FF5C}begin\u{2581}of\u{2581}sentence\u{FF5C}>User: 你好<\u{FF5C}end\u{2581}of\u{2581}sentence\u{FF5C}>"

    /// Arguments after the model; the same go to both tools.
    static func cases() -> [[String]] {
        var cases: [[String]] = [
            ["-p", probe], ["-p", probe, "--ids"], ["-p", specialText], ["-p", specialText, "--ids", "--no-parse-special"],
            ["-p", "def f(x):\\n\\treturn x**2  # \\x41\\x4", "--show-count"], ["-p", "no escapes:\\n\\t", "--no-escape"],
            ["-p", "Hello", "--no-bos", "--ids"],
        ]
        for name in ["text/wikitext-2-raw/wiki.test.raw", "text/chinese/fortunes-zh-sample.txt", "text/chinese/song100.txt"] {
            if let path = TestAssets.shared(name) { cases.append(["-f", path, "--ids", "--no-escape"]) }
        }
        if let path = TestAssets.shared("text/chinese/song100.txt") { cases.append(["-f", path]) }
        return cases
    }

    @Test("prints exactly what llama-tokenize prints for a GGUF with the DeepSeek V3 tokenizer",
          .enabled(if: LlamaCppTools.tool("llama-tokenize") != nil, LlamaCppTools.skipReason))
    func matchesLlamaTokenize() throws {
        guard let llama = LlamaCppTools.tool("llama-tokenize") else { return }
        let folder = try TemporaryDirectory()
        guard let model = try DeepSeekFixture.gguf(in: folder) else { return }
        let cases = Self.cases()
        if References.required { #expect(cases.count == 11, "the shared texts are missing") }
        for arguments in cases {
            let reference = try ChildProcess.run(llama, ["-m", model] + arguments + ["--log-disable"])
            try #require(reference.status == 0, "llama-tokenize \(arguments.prefix(2)): \(reference.stderr.suffix(1000))")
            let ours = try CLI.run(["tokenize", model] + arguments)
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(!ours.stdoutData.isEmpty)
            #expect(ours.stdoutData == reference.stdoutData,
                    "\(arguments.prefix(2)): ours \(ours.stdout.prefix(300)) vs llama.cpp \(reference.stdout.prefix(300))")
        }
    }

    @Test("deepseek-llm and deepseek-coder split as llama.cpp splits them (the DeepSeek V3 vocabulary under their names)",
          .enabled(if: LlamaCppTools.tool("llama-tokenize") != nil, LlamaCppTools.skipReason),
          arguments: ["deepseek-llm", "deepseek-coder"])
    func olderDeepSeekPreTokenizers(pre: String) throws {
        guard let llama = LlamaCppTools.tool("llama-tokenize")
        else { return }
        let folder = try TemporaryDirectory()
        guard let model = try DeepSeekFixture.gguf(in: folder, pre: pre) else { return }
        var cases: [[String]] = [["-p", Self.probe, "--ids"], ["-p", "word\u{3000}space\u{2003}em 漢字\u{3000}かな", "--ids"]]
        for name in ["text/wikitext-2-raw/wiki.test.raw", "text/chinese/fortunes-zh-sample.txt"] {
            if let path = TestAssets.shared(name) { cases.append(["-f", path, "--ids", "--no-escape"]) }
        }
        for arguments in cases {
            let reference = try ChildProcess.run(llama, ["-m", model] + arguments + ["--log-disable"])
            try #require(reference.status == 0, "llama-tokenize: \(reference.stderr.suffix(1000))")
            let ours = try CLI.run(["tokenize", model] + arguments)
            #expect(!ours.stdoutData.isEmpty)
            #expect(ours.stdoutData == reference.stdoutData, "\(pre) \(arguments.prefix(2))")
        }
    }

    @Test("prints what llama-tokenize prints for stories260K (SentencePiece, BOS added)",
          .enabled(if: LlamaCppTools.tool("llama-tokenize") != nil, LlamaCppTools.skipReason))
    func matchesLlamaTokenizeSentencePiece() throws {
        guard let llama = LlamaCppTools.tool("llama-tokenize"),
              let stories = References.stories260K() else { return }
        let folder = try TemporaryDirectory()
        let model = folder.file("stories.gguf")
        _ = try Converter.convert(ConversionOptions(modelDirectory: stories, outputPath: model))
        let cases: [[String]] = [
            ["-p", "Once upon a time, there was a little girl named Lily."], ["-p", "  two spaces\\nand 123", "--ids"],
            ["-p", "<s>Hi</s> there", "--ids"], ["-p", "<s>Hi</s> there", "--no-parse-special"], ["-p", "Hi", "--no-bos", "--ids"],
        ]
        for arguments in cases {
            let reference = try ChildProcess.run(llama, ["-m", model] + arguments + ["--log-disable"])
            try #require(reference.status == 0, "llama-tokenize: \(reference.stderr.suffix(1000))")
            let ours = try CLI.run(["tokenize", model] + arguments)
            #expect(ours.stdoutData == reference.stdoutData, "\(arguments): ours \(ours.stdout) vs llama.cpp \(reference.stdout)")
        }
    }

    /// The ids `--ids` prints, `[1, 2, 3]`.
    static func ids(_ output: ProcessOutput) throws -> [Int] {
        try #require(output.status == 0, "\(output.stderr)")
        let text = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(text.hasPrefix("[") && text.hasSuffix("]"), "\(text)")
        return try text.dropFirst().dropLast().split(separator: ",").map {
            try #require(Int($0.trimmingCharacters(in: .whitespaces)), "\(text)")
        }
    }

    @Test("--json and --stdin give the ids that -p ... --ids gives", arguments: ["folder", "gguf"])
    func jsonAndStdinAgree(form: String) throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        var model = scratch.file("m")
        if form == "gguf" {
            let converted = try CLI.run(["convert", model, "-o", scratch.file("m.gguf"), "-q"])
            try #require(converted.status == 0, "\(converted.stderr)")
            model = scratch.file("m.gguf")
        }
        for (text, extra) in [("hello world abc", []), ("<s>zz ab</s> quiet", []), ("hello world", ["--no-bos"]),
                              ("<s>zz abc", ["--no-parse-special"]),
                              ("two\nlines ab\n", [])] {
            let reference = try Self.ids(try CLI.run(["tokenize", model, "-p", text, "--ids"] + extra))
            #expect(reference.count >= 3, "\(text)")
            let stdin = try ChildProcess.run(try #require(CLI.binary), ["tokenize", model, "--stdin", "--ids"] + extra,
                                             input: Data(text.utf8))
            #expect(try Self.ids(stdin) == reference, "\(text) \(extra)")

            for arguments in [["-p", text], ["--stdin"]] {
                let json = try ChildProcess.run(try #require(CLI.binary), ["tokenize", model, "--json"] + arguments + extra,
                                                input: Data(text.utf8))
                try #require(json.status == 0, "\(json.stderr)")
                let objects = try #require(try JSONSerialization.jsonObject(with: json.stdoutData) as? [[String: Any]],
                                           "\(json.stdout)")
                #expect(objects.compactMap { $0["id"] as? Int } == reference, "\(arguments) \(extra)")
                #expect(objects.allSatisfy { $0["piece"] is String && $0.count == 2 }, "\(json.stdout)")
                if text == "hello world abc" {
                    // The pieces spell the text (the tiny tokenizer adds no BOS).
                    #expect(objects.compactMap { $0["piece"] as? String }.joined() == text, "\(json.stdout)")
                }
            }
        }
    }

    @Test("asks for exactly one text source")
    func oneSource() throws {
        let folder = try TemporaryDirectory()
        let text = try folder.write("t.txt", "hi")
        let result = try CLI.run(["tokenize", "model.gguf", "-p", "hi", "-f", text])
        #expect(result.status != 0)
        #expect(result.stderr.contains("exactly one of -p, -f or --stdin"))
    }

    @Test("a missing model or text file is an input error naming the path")
    func missingFiles() throws {
        let folder = try TemporaryDirectory()
        let missingModel = try CLI.run(["tokenize", folder.file("absent.gguf"), "-p", "hi"])
        #expect(missingModel.status == 1)
        #expect(missingModel.stderr.hasPrefix("ggufkit: error: ") && missingModel.stderr.contains("absent.gguf"))
        let model = try folder.write("empty.gguf", "")
        let missingText = try CLI.run(["tokenize", model, "-f", folder.file("absent.txt")])
        #expect(missingText.status == 1)
        #expect(missingText.stderr.contains("absent.txt"))
    }
}
