/// The Llama 3 pre-tokenizer regex (and Qwen2's, which takes digits one at a time),
/// hand-written the way llama.cpp's fast path runs it:
///
///     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
///     | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
enum Llama3Split {
    /// `maxDigits` is 3 for Llama 3 (`\p{N}{1,3}`) and 1 for Qwen2 (`\p{N}`).
    static func apply(_ text: ScalarText, _ segments: [Int], maxDigits: Int) -> [Int] {
        var writer = SegmentWriter(capacity: segments.count * 4)
        text.values.withUnsafeBufferPointer { values in
            text.classes.withUnsafeBufferPointer { classes in
                var start = 0
                for length in segments {
                    split(values, classes, start, start + length, maxDigits, &writer)
                    start += length
                }
            }
        }
        return writer.lengths
    }

    /// ASCII-only lower-casing: no other scalar lower-cases to the letters the
    /// contraction alternatives test.
    private static func lower(_ value: UInt32) -> UInt32 {
        (0x41 ... 0x5A).contains(value) ? value | 0x20 : value
    }

    private static func split(_ values: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>,
                              _ low: Int, _ high: Int, _ maxDigits: Int, _ writer: inout SegmentWriter) {
        let cr: UInt32 = 0x0D, lf: UInt32 = 0x0A
        let wordish = ScalarClass.whitespace | ScalarClass.letter | ScalarClass.number
        func bits(_ p: Int) -> UInt8 { p < high ? classes[p] : 0 }
        func isNewline(_ p: Int) -> Bool { p < high && (values[p] == cr || values[p] == lf) }

        writer.begin(at: low)
        var pos = low
        while pos < high {
            let value = values[pos]
            let here = classes[pos]
            if value == 0x27, pos + 1 < high {  // '
                let next = lower(values[pos + 1])
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {  // s t m d
                    pos += 2
                    writer.cut(at: pos)
                    continue
                }
                if pos + 2 < high {
                    let after = lower(values[pos + 2])
                    if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {  // re ve ll
                        pos += 3
                        writer.cut(at: pos)
                        continue
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if value != cr, value != lf, here & ScalarClass.number == 0,
               here & ScalarClass.letter != 0 || bits(pos + 1) & ScalarClass.letter != 0 {
                pos += 1
                while bits(pos) & ScalarClass.letter != 0 { pos += 1 }
                writer.cut(at: pos)
                continue
            }

            // \p{N}{1,maxDigits}, repeated over a longer run.
            if here & ScalarClass.number != 0 {
                var groupStart = pos
                while bits(pos) & ScalarClass.number != 0 {
                    pos += 1
                    if pos - groupStart >= maxDigits {
                        writer.cut(at: pos)
                        groupStart = pos
                    }
                }
                writer.cut(at: pos)
                continue
            }

            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'; a lone trailing space also lands here.
            let lead = value == 0x20 ? 1 : 0
            if (lead == 1 ? bits(pos + 1) : here) & wordish == 0 {
                pos += lead
                while pos < high, classes[pos] & wordish == 0 { pos += 1 }
                while isNewline(pos) { pos += 1 }
                writer.cut(at: pos)
                continue
            }

            var spaces = 0
            var afterLastNewline = 0
            while bits(pos + spaces) & ScalarClass.whitespace != 0 {
                if isNewline(pos + spaces) { afterLastNewline = pos + spaces + 1 }
                spaces += 1
            }
            if afterLastNewline > 0 {
                pos = afterLastNewline  // \s*[\r\n]+
            } else if spaces > 1, pos + spaces < high {
                pos += spaces - 1  // \s+(?!\S)
            } else if spaces > 0 {
                pos += spaces
            } else {
                pos += 1
            }
            writer.cut(at: pos)
        }
    }
}
