import Foundation
import GGUF
import Models
import SafeTensors
import Testing
@testable import Export
import TestSupport

/// The real SmolLM2-135M Q4_1 GGUF against the folder `shared/scripts/gguf_to_hf.py` made
/// from the same file with gguf-py's numpy dequantizers.
@Suite("SmolLM2 export against the gguf-py reference",
       .enabled(if: TestAssets.smolLM2GGUF != nil && TestAssets.smolLM2 != nil,
                "needs ~/.cache/ggufkit-fixtures/smollm2-original-q4_1.gguf and smollm2-135m-instruct"))
struct SmolLM2ReferenceTests {
    let reference = TestAssets.smolLM2 ?? ""

    /// One export (the slow part) checked three ways.
    @Test("BF16 export: tensors bit-identical, config and tokenizer_config agree with the reference")
    func exportMatchesReference() throws {
        let dir = try TemporaryDirectory()
        let output = dir.file("smollm2")
        let summary = try GGUFExporter.export(ggufPath: TestAssets.smolLM2GGUF ?? "", to: output,
                                              options: ExportOptions(dtype: .bf16, threads: 2))
        #expect(summary.tensorCount == 272)
        try expectTensorsBitIdentical(output)
        try expectConfigMatches(output)
        try expectTokenizerConfigMatches(output)
    }

    private func expectTensorsBitIdentical(_ output: String) throws {
        let ours = try SafeTensorsFile(path: output + "/model.safetensors")
        let theirs = try SafeTensorsFile(path: reference + "/model.safetensors")
        #expect(Set(ours.tensors.map(\.name)) == Set(theirs.tensors.map(\.name)))
        for tensor in theirs.tensors {
            guard let mine = ours.info(named: tensor.name) else { continue }
            #expect(mine.dtype == .bf16 && mine.shape == tensor.shape, "\(tensor.name)")
            let same = try ours.data(named: tensor.name).elementsEqual(try theirs.data(named: tensor.name))
            #expect(same, "\(tensor.name) differs from the reference")
        }
    }

    private func expectConfigMatches(_ output: String) throws {
        let ours = try readJSONObject(output + "/config.json")
        let theirs = try readJSONObject(reference + "/config.json")
        let essential = ["architectures", "model_type", "hidden_size", "intermediate_size", "num_hidden_layers",
                         "num_attention_heads", "num_key_value_heads", "head_dim", "max_position_embeddings",
                         "rms_norm_eps", "rope_theta", "tie_word_embeddings", "vocab_size", "bos_token_id",
                         "eos_token_id", "pad_token_id", "torch_dtype"]
        for key in essential { #expect(ours[key] != nil, "config.json lacks \(key)") }
        for (key, value) in theirs {
            guard let mine = ours[key] else { continue }
            #expect((mine as? NSObject) == (value as? NSObject), "\(key): \(mine) vs \(value)")
        }
    }

    private func expectTokenizerConfigMatches(_ output: String) throws {
        let ours = try readJSONObject(output + "/tokenizer_config.json")
        let theirs = try readJSONObject(reference + "/tokenizer_config.json")
        for key in ["bos_token", "eos_token", "unk_token", "pad_token", "chat_template"] {
            #expect(ours[key] as? String == theirs[key] as? String, "\(key)")
        }
        #expect(ours["add_bos_token"] as? Bool == false)
        let decoder = try #require(ours["added_tokens_decoder"] as? [String: Any])
        let referenceDecoder = try #require(theirs["added_tokens_decoder"] as? [String: Any])
        #expect(Set(decoder.keys) == Set(referenceDecoder.keys))
    }

    @Test("python tokenizers encodes text with our tokenizer.json exactly as with the reference's",
          .enabled(if: Python.canImport("tokenizers"), "needs python3 with the tokenizers package"))
    func tokenizerEncodesLikeReference() throws {
        let script = """
        import sys
        from tokenizers import Tokenizer
        ours, theirs = Tokenizer.from_file(sys.argv[1]), Tokenizer.from_file(sys.argv[2])
        texts = ["Hello world! 12345 and 3.14159", "  multiple   spaces\\n\\n\\tnewlines  ",
                 "<|im_start|>user\\nWhat is 2+2?<|im_end|>\\n<|im_start|>assistant\\n",
                 "caf\\u00e9 na\\u00efve \\u65e5\\u672c\\u8a9e \\U0001F600", "don't I'll we've they'RE",
                 "def f(x):\\n    return x**2  # comment"]
        bad = 0
        for text in texts:
            a, b = ours.encode(text).ids, theirs.encode(text).ids
            if a != b:
                bad += 1
                print("MISMATCH", repr(text), a, b)
            if ours.decode(a, skip_special_tokens=False) != theirs.decode(b, skip_special_tokens=False):
                bad += 1
                print("DECODE MISMATCH", repr(text))
        print("vocab", ours.get_vocab_size(), theirs.get_vocab_size())
        sys.exit(1 if bad or ours.get_vocab_size() != theirs.get_vocab_size() else 0)
        """
        let dir = try TemporaryDirectory()
        let output = try writeTokenizerOnly(into: dir)
        let result = try Python.run(script: script, arguments: [output + "/tokenizer.json", reference + "/tokenizer.json"])
        #expect(result.status == 0, "\(result.output)")
    }

    /// The tokenizer files alone, without the slow weight export.
    private func writeTokenizerOnly(into dir: TemporaryDirectory) throws -> String {
        let file = try GGUFFile(path: TestAssets.smolLM2GGUF ?? "")
        let reader = GGUFMetadataReader(metadata: file.metadata, source: file.path)
        let tokenizer = try #require(try TokenizerMetadata.read(reader, log: { _ in }))
        let files = try TokenizerFilesWriter.files(tokenizer, contextLength: 8192, sourcePath: file.path, log: { _ in })
        let folder = try OutputFolder(target: dir.file("tokenizer"), overwrite: false)
        _ = try TokenizerFilesWriter.write(files, into: folder)
        try folder.commit()
        return folder.target
    }
}
