import GGUF
import Testing
@testable import Tokenizers

/// The word splits of each pre-tokenizer, worked out by hand from llama.cpp's regex lists.
@Suite("pre-tokenizer splits")
struct PreTokenizerSplitTests {
    private func words(_ pre: String, _ text: String) throws -> [String] {
        let splitter = try BPEPreTokenizer.named(pre)
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            let scalars = ScalarText(buffer)
            var first = 0
            return splitter.split(scalars).map { length in
                defer { first += length }
                return String(decoding: bytes[scalars.byteStarts[first] ..< scalars.byteStarts[first + length]], as: UTF8.self)
            }
        }
    }

    static let sample = "Hello world's  12345!!\n\nOK"

    @Test("each pre-tokenizer family splits the sample as its regexes say", arguments: [
        ("gpt-2", ["Hello", " world", "'s", " ", " 12345", "!!", "\n", "\n", "OK"]),
        ("llama-bpe", ["Hello", " world", "'s", " ", " ", "123", "45", "!!\n\n", "OK"]),
        ("qwen2", ["Hello", " world", "'s", " ", " ", "1", "2", "3", "4", "5", "!!\n\n", "OK"]),
        ("smollm", ["Hello", " world", "'s", "  ", "1", "2", "3", "4", "5", "!!", "\n", "\n", "OK"]),
        ("starcoder", ["Hello", " world", "'s", "  ", "1", "2", "3", "4", "5", "!!", "\n", "\n", "OK"]),
        ("default", ["Hello", " world", "'", "s", " ", " ", "123", "45", "!!", "\n", "\n", "OK"]),
        ("falcon", ["Hello", " world", "'", "s", " ", " ", "123", "45", "!!", "\n", "\n", "OK"]),
        ("deepseek-v3", ["Hello", " world", "'s", "  ", "123", "45", "!!\n\n", "OK"]),
        ("deepseek-llm", ["Hello", " world", "'", "s", "  ", "12345", "!!", "\n", "\n", "OK"]),
        ("deepseek-coder", ["Hello", " world", "'", "s", "  ", "1", "2", "3", "4", "5", "!!", "\n", "\n", "OK"]),
    ])
    func families(pre: String, expected: [String]) throws {
        #expect(try words(pre, Self.sample) == expected)
    }

    /// Checked against the `tokenizers` package's pre-tokenizers built from the same regexes.
    @Test("DeepSeek pre-tokenizers isolate CJK runs and digit groups", arguments: [
        ("deepseek-v3", ["我想在", "apple", "工作", "131", "415", "1", "天", "～", " (", "x", ".com", ")", " 😶", "\u{200D}", "🌫", "\u{FE0F}"],
         ["日本語のテキスト", "、", "한국어", " café", " $", "5", "+", "3"]),
        ("deepseek-llm", ["我想在", "apple", "工作", "1314151", "天", "～", " (", "x", ".", "com", ")", " 😶", "\u{200D}", "🌫\u{FE0F}"],
         ["日本語のテキスト", "、", "한국어", " caf", "é", " $", "5", "+", "3"]),
        ("deepseek-coder", ["我想在", "apple", "工作", "1", "3", "1", "4", "1", "5", "1", "天", "～", " (", "x", ".", "com", ")", " 😶",
                            "\u{200D}", "🌫\u{FE0F}"],
         ["日本語のテキスト", "、", "한국어", " café", " $", "5", "+", "3"]),
    ])
    func deepSeek(pre: String, chinese: [String], mixed: [String]) throws {
        #expect(try words(pre, "我想在apple工作1314151天～ (x.com) 😶\u{200D}🌫\u{FE0F}") == chinese)
        #expect(try words(pre, "日本語のテキスト、한국어 café $5+3") == mixed)
    }

    @Test("GPT-2 contractions are case-sensitive, Llama 3's are not")
    func contractions() throws {
        #expect(try words("gpt-2", "IT'S it's") == ["IT", "'", "S", " it", "'s"])
        #expect(try words("llama-bpe", "IT'S it's") == ["IT", "'S", " it", "'s"])
    }

    @Test("letters, numbers and symbols follow Unicode categories")
    func unicodeCategories() throws {
        #expect(try words("gpt-2", "日本語のテキスト café") == ["日本語のテキスト", " café"])
        #expect(try words("gpt-2", " 🦙👍🏽 ²³") == [" 🦙👍🏽", " ²³"])
        #expect(try words("smollm", "x²1") == ["x", "²", "1"])
        // A combining accent is a mark, not a letter: it stands alone after "e".
        #expect(try words("gpt-2", "e\u{301}") == ["e", "\u{301}"])
        // U+1C89 is a Unicode 16 letter, unassigned in llama.cpp's Unicode 15.1 tables.
        #expect(try words("gpt-2", "a\u{1C89}b") == ["a", "\u{1C89}", "b"])
        // Non-ASCII punctuation joins the default pre-tokenizer's punctuation runs.
        #expect(try words("default", "a«b»") == ["a", "«", "b", "»"])
    }

    @Test("whitespace runs leave their last space to the following word")
    func whitespace() throws {
        #expect(try words("gpt-2", "a   b") == ["a", "  ", " b"])
        #expect(try words("gpt-2", "a   ") == ["a", "   "])
        #expect(try words("llama-bpe", "a \n b") == ["a", " \n", " b"])
        #expect(try words("gpt-2", "a\u{00A0}\u{3000}b") == ["a", "\u{00A0}", "\u{3000}", "b"])
    }

    @Test("an unknown pre-tokenizer name is an error listing the supported ones")
    func unknownName() throws {
        var metadata = TinyVocabularies.bpe()
        metadata[GGUFKey.tokenizerPre] = .string("no-such-pre")
        do {
            _ = try TokenizerFactory.make(metadata: metadata)
            Issue.record("accepted an unknown pre-tokenizer")
        } catch let TokenizersError.unsupportedPreTokenizer(name, supported) {
            #expect(name == "no-such-pre")
            #expect(supported.contains("smollm") && supported.contains("llama-bpe"))
        }
    }

    @Test("a missing pre-tokenizer name means \"default\", as in llama.cpp")
    func missingName() throws {
        var metadata = TinyVocabularies.bpe()
        metadata[GGUFKey.tokenizerPre] = nil
        #expect(try TokenizerFactory.make(metadata: metadata).encode("a,b") == [0x61, 0x2C, 0x62])
    }
}
