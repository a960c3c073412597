import Foundation
import GGUF
import Testing
import TestSupport
@testable import Tokenizers

/// The tricky strings of scripts/make-tokenizer-goldens.py against the ids llama.cpp
/// gave for them. The tiny tokenizers are committed, so their groups always run; the
/// SmolLM2 and stories260K groups need the fixture folders.
@Suite("llama.cpp goldens")
struct GoldenEncodingTests {
    static let hasGoldens = !Goldens.cases.isEmpty

    private func check(group: String) throws {
        let cases = Goldens.cases(inGroup: group)
        let first = try #require(cases.first)
        let tokenizer = try TokenizerFactory.make(metadata: first.apply(to: RealTokenizers.metadata(model: first.model)))
        for golden in cases {
            let ids = try tokenizer.encode(golden.text, addSpecial: golden.addSpecial, parseSpecial: golden.parseSpecial)
            #expect(ids == golden.ids, "\(String(reflecting: golden.text)) add=\(golden.addSpecial) parse=\(golden.parseSpecial): \(firstDifference(ids, golden.ids))")
        }
    }

    @Test("the golden file is present and covers every pre-tokenizer named in the brief")
    func coverage() {
        #expect(Self.hasGoldens, "scripts/tokenizer-goldens/llama-cpp-ids.json is missing or unreadable")
        let pres = Set(Goldens.cases.compactMap { golden -> String? in
            if case let .string(pre) = golden.overrides["tokenizer.ggml.pre"] { return pre }
            return nil
        })
        for pre in ["llama-bpe", "smollm", "qwen2", "gpt-2", "default", "smaug-bpe", "starcoder"] {
            #expect(pres.contains(pre), "no golden for \(pre)")
        }
    }

    @Test("tiny byte-level BPE matches llama.cpp", .enabled(if: hasGoldens), arguments: Goldens.groups(model: "tiny-bpe"))
    func tinyBPE(group: String) throws {
        try check(group: group)
    }

    @Test("tiny SentencePiece matches llama.cpp", .enabled(if: hasGoldens), arguments: Goldens.groups(model: "tiny-spm"))
    func tinySentencePiece(group: String) throws {
        try check(group: group)
    }

    @Test("SmolLM2 matches llama.cpp on the tricky strings",
          .enabled(ifAvailable: RealTokenizers.hasSmolLM2, "needs the SmolLM2 fixture (../shared/scripts/make-smollm2-hf.sh)"),
          arguments: Goldens.groups(model: "smollm2"))
    func smolLM2(group: String) throws {
        try check(group: group)
    }

    @Test("stories260K matches llama.cpp on the tricky strings",
          .enabled(ifAvailable: RealTokenizers.hasStories, "needs ../shared/models/stories260K (set GGUFKIT_SHARED)"),
          arguments: Goldens.groups(model: "stories260K"))
    func stories(group: String) throws {
        try check(group: group)
    }
}
