import Conversion
import Foundation
import SafeTensors
import Testing
@testable import Export
import TestSupport

/// The shared stories260K checkpoint (F32, SentencePiece BPE tokenizer): convert it to GGUF,
/// export it back, and compare with the original folder.
@Suite("stories260K: convert, export, compare",
       .enabled(ifAvailable: TestAssets.stories260K != nil, "needs ../shared/models/stories260K"))
struct Stories260KTests {
    let original = TestAssets.stories260K ?? ""

    /// Converts the original folder to an F32 GGUF and exports it back to F32.
    private func exportRoundTrip(_ dir: TemporaryDirectory) throws -> String {
        var options = ConversionOptions(modelDirectory: original, outputPath: dir.file("stories.gguf"))
        options.fileType = .f32
        options.threads = 2
        _ = try Converter.convert(options)
        let output = dir.file("exported")
        _ = try GGUFExporter.export(ggufPath: dir.file("stories.gguf"), to: output,
                                    options: ExportOptions(dtype: .f32, threads: 2))
        return output
    }

    @Test("F32 weights come back exactly, Q/K rows in Hugging Face order")
    func weightsComeBackExactly() throws {
        let dir = try TemporaryDirectory()
        let output = try exportRoundTrip(dir)
        let ours = try SafeTensorsFile(path: output + "/model.safetensors")
        let theirs = try SafeTensorsCheckpoint(directory: original)
        #expect(Set(ours.tensors.map(\.name)) == Set(theirs.tensorNames))
        for name in theirs.tensorNames {
            guard let mine = ours.info(named: name), let info = theirs.info(named: name) else { continue }
            #expect(mine.shape == info.shape, "\(name)")
            #expect(try ours.data(named: name).elementsEqual(try theirs.data(named: name)), "\(name) differs")
        }
        let config = try readJSONObject(output + "/config.json")
        let reference = try readJSONObject(original + "/config.json")
        for key in ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                    "head_dim", "max_position_embeddings", "rms_norm_eps", "rope_theta", "tie_word_embeddings", "vocab_size",
                    "bos_token_id", "eos_token_id"] {
            #expect((config[key] as? NSObject) == (reference[key] as? NSObject), "\(key)")
        }
    }

    @Test("python sentencepiece loads the written tokenizer.model and encodes like the original",
          .enabled(if: Python.canImport("sentencepiece"), "needs python3 with the sentencepiece package"))
    func sentencePieceEncodesLikeOriginal() throws {
        let dir = try TemporaryDirectory()
        let output = try exportRoundTrip(dir)
        let script = """
        import sys
        import sentencepiece as spm
        ours = spm.SentencePieceProcessor(model_file=sys.argv[1])
        theirs = spm.SentencePieceProcessor(model_file=sys.argv[2])
        bad = 0
        if ours.get_piece_size() != theirs.get_piece_size():
            print("piece counts", ours.get_piece_size(), theirs.get_piece_size()); bad += 1
        for i in range(min(ours.get_piece_size(), theirs.get_piece_size())):
            if (ours.id_to_piece(i), ours.get_score(i), ours.is_control(i), ours.is_byte(i), ours.is_unknown(i)) != \\
               (theirs.id_to_piece(i), theirs.get_score(i), theirs.is_control(i), theirs.is_byte(i), theirs.is_unknown(i)):
                print("piece", i, ours.id_to_piece(i), theirs.id_to_piece(i)); bad += 1
        for name in ("bos_id", "eos_id", "unk_id"):
            if getattr(ours, name)() != getattr(theirs, name)():
                print(name, getattr(ours, name)(), getattr(theirs, name)()); bad += 1
        texts = ["Once upon a time, there was a little girl named Lily.", "  two  spaces\\nand a newline",
                 "caf\\u00e9 \\u65e5\\u672c \\U0001F600 123", "She said: \\"Hello!\\""]
        for text in texts:
            a, b = ours.encode(text), theirs.encode(text)
            if a != b:
                print("MISMATCH", repr(text), a, b); bad += 1
            if ours.decode(a) != theirs.decode(b):
                print("DECODE MISMATCH", repr(text)); bad += 1
        sys.exit(1 if bad else 0)
        """
        let result = try Python.run(script: script, arguments: [output + "/tokenizer.model", original + "/tokenizer.model"])
        #expect(result.status == 0, "\(result.output)")
    }
}
