import GGUF
@testable import Tokenizers

/// Small vocabularies written out in the tests, so every expected id can be worked out
/// by hand.
enum TinyVocabularies {
    /// GPT-2's byte-level character for a byte, spelled out independently of the code
    /// under test.
    static func byteCharacter(_ byte: Int) -> String {
        let printable = (0x21 ... 0x7E).contains(byte) || (0xA1 ... 0xAC).contains(byte) || (0xAE ... 0xFF).contains(byte)
        if printable { return String(Unicode.Scalar(UInt8(byte))) }
        let rank = (0 ..< byte).filter { !((0x21 ... 0x7E).contains($0) || (0xA1 ... 0xAC).contains($0) || (0xAE ... 0xFF).contains($0)) }.count
        return String(Unicode.Scalar(UInt32(256 + rank))!)
    }

    /// Ids of the merged and special tokens of ``bpe(pre:addBOS:addEOS:withoutBytes:)``.
    enum BPE {
        static let he: Int32 = 256, ll: Int32 = 257, hell: Int32 = 258, hello: Int32 = 259
        static let spaceW: Int32 = 260, or: Int32 = 261, spaceWor: Int32 = 262, ld: Int32 = 263, spaceWorld: Int32 = 264
        static let el: Int32 = 265, xyz: Int32 = 266
        static let bos: Int32 = 267, eos: Int32 = 268, end: Int32 = 269, tool: Int32 = 270

        static func byte(_ character: Character) -> Int32 { Int32(character.asciiValue!) }
    }

    /// A byte-level BPE vocabulary: the 256 byte characters (id = byte), merges building
    /// "hello" and " world" plus "el", a token "xyz" no merge reaches, BOS `<s>` and EOS
    /// `</s>` (CONTROL), `<|end|>` (CONTROL) and `<tool>` (USER_DEFINED).
    static func bpe(pre: String = "gpt-2", addBOS: Bool? = false, addEOS: Bool? = nil, withoutBytes: Set<Int> = []) -> GGUFMetadata {
        let g = byteCharacter(0x20)  // "Ġ"
        var tokens = (0 ..< 256).map { withoutBytes.contains($0) ? "[missing \($0)]" : byteCharacter($0) }
        tokens += ["he", "ll", "hell", "hello", g + "w", "or", g + "wor", "ld", g + "world", "el", "xyz", "<s>", "</s>", "<|end|>", "<tool>"]
        var types = [Int32](repeating: 1, count: tokens.count)
        types[Int(BPE.bos)] = 3
        types[Int(BPE.eos)] = 3
        types[Int(BPE.end)] = 3
        types[Int(BPE.tool)] = 4
        let merges = ["l l", "h e", "he ll", "hell o", "\(g) w", "o r", "\(g)w or", "l d", "\(g)wor ld", "e l"]
        var metadata = GGUFMetadata([
            (GGUFKey.tokenizerModel, .string("gpt2")),
            (GGUFKey.tokenizerPre, .string(pre)),
            (GGUFKey.tokenizerTokens, .strings(tokens)),
            (GGUFKey.tokenizerTokenType, .int32s(types)),
            (GGUFKey.tokenizerMerges, .strings(merges)),
            (GGUFKey.bosTokenID, .uint32(UInt32(BPE.bos))),
            (GGUFKey.eosTokenID, .uint32(UInt32(BPE.eos))),
        ])
        if let addBOS { metadata[GGUFKey.addBOSToken] = .bool(addBOS) }
        if let addEOS { metadata[GGUFKey.addEOSToken] = .bool(addEOS) }
        return metadata
    }

    /// Ids of ``spm(byteFallback:addSpacePrefix:)``: `<unk>` 0, `<s>` 1, `</s>` 2, then the
    /// 256 `<0xXX>` pieces when present, then the pieces below.
    struct SPM {
        let byteFallback: Bool
        var first: Int32 { byteFallback ? 259 : 3 }
        var space: Int32 { first }
        var a: Int32 { first + 1 }
        var b: Int32 { first + 2 }
        var c: Int32 { first + 3 }
        var ab: Int32 { first + 4 }
        var bc: Int32 { first + 5 }
        var abc: Int32 { first + 6 }
        var aa: Int32 { first + 7 }
        var spaceA: Int32 { first + 8 }
        func byte(_ value: UInt8) -> Int32 { 3 + Int32(value) }
    }

    /// A SentencePiece vocabulary: "▁", "a", "b", "c", then "ab" (score -1), "bc" (-0.5,
    /// so it wins over "ab"), "abc" (-2), "aa" (-1) and "▁a" (-3).
    static func spm(byteFallback: Bool = true, addSpacePrefix: Bool? = nil, addEOS: Bool? = nil) -> GGUFMetadata {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [Int32] = [2, 3, 3]
        var scores: [Float] = [0, 0, 0]
        if byteFallback {
            for byte in 0 ..< 256 {
                tokens.append("<0x\(String(byte, radix: 16, uppercase: true).leftPadded())>")
                types.append(6)
                scores.append(0)
            }
        }
        let pieces: [(String, Float)] = [("▁", -0.1), ("a", -0.2), ("b", -0.3), ("c", -0.4), ("ab", -1), ("bc", -0.5),
                                         ("abc", -2), ("aa", -1), ("▁a", -3)]
        for (text, score) in pieces {
            tokens.append(text)
            types.append(1)
            scores.append(score)
        }
        var metadata = GGUFMetadata([
            (GGUFKey.tokenizerModel, .string("llama")),
            (GGUFKey.tokenizerTokens, .strings(tokens)),
            (GGUFKey.tokenizerScores, .float32s(scores)),
            (GGUFKey.tokenizerTokenType, .int32s(types)),
        ])
        if let addSpacePrefix { metadata[GGUFKey.addSpacePrefix] = .bool(addSpacePrefix) }
        if let addEOS { metadata[GGUFKey.addEOSToken] = .bool(addEOS) }
        return metadata
    }
}

private extension String {
    func leftPadded() -> String { count < 2 ? "0" + self : self }
}
