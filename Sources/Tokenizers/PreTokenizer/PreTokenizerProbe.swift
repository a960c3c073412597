import FileSupport
import GGUF

/// llama.cpp's converter (`get_vocab_base_pre`) names a pre-tokenizer by the SHA-256 of the
/// token ids its reference tokenizer gives a fixed probe text. ggufkit identifies the
/// pre-tokenizer from `tokenizer.json` instead (``PreTokenizerTable``) and then encodes the
/// same probe with the metadata it writes: when the digest is one llama.cpp lists for the
/// name, the vocabulary and the splitting agree with the model llama.cpp was tuned on.
///
/// A different digest is not an error: fine-tuned vocabularies (added tokens, other merges)
/// have digests of their own while splitting the same way.
public enum PreTokenizerProbe {
    /// The probe text, as in convert_hf_to_gguf.py.
    public static let text = "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u{200D}🌫️ (multiple emojis concatenated) "
        + "✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ "
        + "------======= нещо на Български ''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? "
        + "'M not sure I'll make it, 'D you like some tea? We'Ve a'lL"

    /// The digest of ids printed as a Python list (`[1, 2, 3]`), which is what the converter hashes.
    public static func digest(of ids: [Int32]) -> String {
        SHA256.hex(Array(("[" + ids.map(String.init).joined(separator: ", ") + "]").utf8))
    }

    /// The probe's digests under `metadata`: without and with BOS first, since the converter's
    /// digest includes BOS exactly when the reference model's tokenizer adds one.
    public static func digests(metadata: GGUFMetadata) throws -> [String] {
        let tokenizer = try TokenizerFactory.make(metadata: metadata)
        let ids = try tokenizer.encode(text, addSpecial: false, parseSpecial: true)
        var digests = [digest(of: ids)]
        if let bos = tokenizer.bosTokenID { digests.append(digest(of: [bos] + ids)) }
        return digests
    }
}
