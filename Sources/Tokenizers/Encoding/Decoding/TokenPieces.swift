/// The bytes each token stands for when decoded, computed once per vocabulary as
/// llama.cpp's `token_to_piece` does with special tokens rendered:
///
/// - CONTROL, UNKNOWN and USER_DEFINED tokens: their text as is;
/// - NORMAL tokens: the text with U+2581 turned back into spaces (`llama`), or mapped
///   back through the byte-level alphabet (`gpt2`; a character outside the alphabet is
///   kept as its UTF-8, where llama.cpp writes an `[UNK_BYTE_…]` marker);
/// - BYTE tokens (`<0xXX>`): that one byte;
/// - UNUSED and unknown-type tokens: nothing.
struct TokenPieces: Sendable {
    private var storage: [UInt8] = []
    private var offsets: [Int] = [0]

    init(vocabulary: EncodingVocabulary) {
        storage.reserveCapacity(vocabulary.texts.storage.count)
        offsets.reserveCapacity(vocabulary.count + 1)
        for id in 0 ..< vocabulary.count {
            let text = vocabulary.texts.bytes(id)
            let attributes = vocabulary.attributes[id]
            if !attributes.isDisjoint(with: [.control, .unknown, .userDefined]) {
                storage.append(contentsOf: text)
            } else if attributes.contains(.normal) {
                switch vocabulary.model {
                case .llama: Self.appendUnescapingSpaces(text, to: &storage)
                case .gpt2: Self.appendByteLevelDecoded(text, to: &storage)
                }
            } else if attributes.contains(.byte) {
                storage.append(Self.byteValue(text))
            }
            offsets.append(storage.count)
        }
    }

    /// The piece of `id`; empty for an id outside the vocabulary.
    func bytes(_ id: Int32) -> ArraySlice<UInt8> {
        guard id >= 0, Int(id) + 1 < offsets.count else { return [] }
        return storage[offsets[Int(id)] ..< offsets[Int(id) + 1]]
    }

    private static func appendUnescapingSpaces(_ text: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == 0xE2, index + 2 < text.endIndex, text[index + 1] == 0x96, text[index + 2] == 0x81 {
                output.append(0x20)
                index += 3
            } else {
                output.append(text[index])
                index += 1
            }
        }
    }

    private static func appendByteLevelDecoded(_ text: ArraySlice<UInt8>, to output: inout [UInt8]) {
        let string = String(decoding: text, as: UTF8.self)
        for scalar in string.unicodeScalars {
            if scalar.value < ByteLevelAlphabet.scalarLimit, ByteLevelAlphabet.byteForScalar[Int(scalar.value)] >= 0 {
                output.append(UInt8(ByteLevelAlphabet.byteForScalar[Int(scalar.value)]))
            } else {
                output.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    /// The byte of a `<0xXX>` token: two hex digits after "<0x" (0 when malformed, as
    /// `strtol` gives).
    private static func byteValue(_ text: ArraySlice<UInt8>) -> UInt8 {
        guard text.count >= 5 else { return 0 }
        let digits = text.dropFirst(3).prefix(2)
        return UInt8(String(decoding: digits, as: UTF8.self), radix: 16) ?? 0
    }
}
