import Foundation

/// A piece of the input: raw text still to tokenize, or a special token found in it.
enum TextFragment: Equatable {
    /// Byte range of the input text.
    case text(Range<Int>)
    case token(Int32)
}

/// llama.cpp's `tokenizer_st_partition`: before any tokenizing, special tokens are cut
/// out of the text one token at a time, longest first, each taking every non-overlapping
/// occurrence (leftmost first) in the text that earlier tokens left over.
///
/// USER_DEFINED tokens are always cut out; CONTROL and UNKNOWN tokens only when special
/// tokens are parsed. The per-model LSTRIP/RSTRIP attributes (set by llama.cpp from the
/// model name for Phi-3 and a few BERT models) are not applied.
enum SpecialTokenPartition {
    static func split(_ text: UnsafeBufferPointer<UInt8>, vocabulary: EncodingVocabulary, parseSpecial: Bool) -> [TextFragment] {
        guard text.count > 0 else { return [] }
        var fragments: [TextFragment] = [.text(0 ..< text.count)]
        for id in vocabulary.splitOutTokens {
            if !parseSpecial, !vocabulary.attributes[Int(id)].isDisjoint(with: .special) { continue }
            let start = vocabulary.texts.offsets[Int(id)], end = vocabulary.texts.offsets[Int(id) + 1]
            vocabulary.texts.storage.withUnsafeBufferPointer { storage in
                let needle = UnsafeBufferPointer(rebasing: storage[start ..< end])
                cut(needle, id: id, from: &fragments, in: text)
            }
        }
        return fragments
    }

    /// Replaces every occurrence of `needle` in the text fragments by the token; the
    /// fragment list is only rebuilt when there is an occurrence.
    private static func cut(_ needle: UnsafeBufferPointer<UInt8>, id: Int32, from fragments: inout [TextFragment],
                            in text: UnsafeBufferPointer<UInt8>) {
        var rebuilt: [TextFragment]? = nil
        for (index, fragment) in fragments.enumerated() {
            guard case let .text(range) = fragment else {
                rebuilt?.append(fragment)
                continue
            }
            var low = range.lowerBound
            while let match = find(needle, in: text, low ..< range.upperBound) {
                if rebuilt == nil { rebuilt = Array(fragments[..<index]) }
                if match > low { rebuilt!.append(.text(low ..< match)) }
                rebuilt!.append(.token(id))
                low = match + needle.count
            }
            if rebuilt != nil, low < range.upperBound { rebuilt!.append(.text(low ..< range.upperBound)) }
        }
        if let rebuilt { fragments = rebuilt }
    }

    /// The first offset of `needle` within `range` of `text`.
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let needleBase = needle.baseAddress, let textBase = text.baseAddress, needle.count > 0 else { return nil }
        let first = Int32(needle[0])
        var position = range.lowerBound
        while range.upperBound - position >= needle.count {
            // memchr finds candidate starts much faster than a byte loop.
            guard let hit = memchr(textBase + position, first, range.upperBound - needle.count + 1 - position) else { return nil }
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(textBase)
            if memcmp(textBase + offset, needleBase, needle.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }
}
