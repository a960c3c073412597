/// GPT-2's pre-tokenizer regex, hand-written the way llama.cpp's fast path runs it:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Contractions are case-sensitive here, unlike the Llama 3 pattern.
enum GPT2Split {
    static func apply(_ text: ScalarText, _ segments: [Int]) -> [Int] {
        var writer = SegmentWriter(capacity: segments.count * 4)
        text.values.withUnsafeBufferPointer { values in
            text.classes.withUnsafeBufferPointer { classes in
                var start = 0
                for length in segments {
                    split(values, classes, start, start + length, &writer)
                    start += length
                }
            }
        }
        return writer.lengths
    }

    private static func split(_ values: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>,
                              _ low: Int, _ high: Int, _ writer: inout SegmentWriter) {
        let space: UInt32 = 0x20
        let wordish = ScalarClass.whitespace | ScalarClass.letter | ScalarClass.number
        // Class bits at a position; zero past the segment, where no pattern may reach.
        func bits(_ p: Int) -> UInt8 { p < high ? classes[p] : 0 }

        writer.begin(at: low)
        var pos = low
        while pos < high {
            let value = values[pos]
            if value == 0x27, pos + 1 < high {  // '
                let next = values[pos + 1]
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    pos += 2
                    writer.cut(at: pos)
                    continue
                }
                if pos + 2 < high {
                    let after = values[pos + 2]
                    if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {  // re ve ll
                        pos += 3
                        writer.cut(at: pos)
                        continue
                    }
                }
            }

            // The optional leading space of the next three patterns.
            let lead = value == space ? 1 : 0
            let first = bits(pos + lead)
            let firstExists = pos + lead < high
            if first & ScalarClass.letter != 0 || first & ScalarClass.number != 0 {
                let kind = first & ScalarClass.letter != 0 ? ScalarClass.letter : ScalarClass.number
                pos += lead
                while bits(pos) & kind != 0 { pos += 1 }
                writer.cut(at: pos)
                continue
            }
            if firstExists, first & wordish == 0 {
                pos += lead
                while pos < high, classes[pos] & wordish == 0 { pos += 1 }
                writer.cut(at: pos)
                continue
            }

            var spaces = 0
            while bits(pos + spaces) & ScalarClass.whitespace != 0 { spaces += 1 }
            if spaces > 1, pos + spaces < high {
                // \s+(?!\S): leave the last space to lead the following word.
                pos += spaces - 1
            } else if spaces > 0 {
                pos += spaces
            } else {
                pos += 1
            }
            writer.cut(at: pos)
        }
    }
}
