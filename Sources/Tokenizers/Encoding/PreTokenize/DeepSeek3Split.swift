/// DeepSeek V3's word regex, hand-written with the leftmost-first alternation llama.cpp's
/// `std::regex` (and the `tokenizers` package's Oniguruma) give it:
///
///     [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
///     | ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
///
/// Unlike the Llama 3 pattern some scalars match no alternative (a zero-width joiner
/// between two emoji, digits the earlier number pass left alone); runs of those stay
/// together as one piece, as regex splitting keeps the text between matches.
enum DeepSeek3Split {
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

    private static func isASCIILetter(_ value: UInt32) -> Bool {
        (0x41 ... 0x5A).contains(value) || (0x61 ... 0x7A).contains(value)
    }

    /// The 32 printable ASCII characters that are neither letters, digits nor space.
    private static func isASCIIPunctuation(_ value: UInt32) -> Bool {
        switch value {
        case 0x21 ... 0x2F, 0x3A ... 0x40, 0x5B ... 0x60, 0x7B ... 0x7E: return true
        default: return false
        }
    }

    private static func split(_ values: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>,
                              _ low: Int, _ high: Int, _ writer: inout SegmentWriter) {
        writer.begin(at: low)
        var pos = low
        while pos < high {
            if let end = match(values, classes, pos, high) {
                writer.cut(at: pos)
                writer.cut(at: end)
                pos = end
            } else {
                pos += 1
            }
        }
        writer.cut(at: high)
    }

    /// The end of the match starting at `pos`, or `nil` when no alternative matches there.
    private static func match(_ values: UnsafeBufferPointer<UInt32>, _ classes: UnsafeBufferPointer<UInt8>,
                              _ pos: Int, _ high: Int) -> Int? {
        let cr: UInt32 = 0x0D, lf: UInt32 = 0x0A
        let letterOrMark = ScalarClass.letter | ScalarClass.mark
        let punctuationOrSymbol = ScalarClass.punctuation | ScalarClass.symbol
        func bits(_ p: Int) -> UInt8 { p < high ? classes[p] : 0 }
        func isNewline(_ p: Int) -> Bool { p < high && (values[p] == cr || values[p] == lf) }
        func end(of kind: UInt8, from start: Int) -> Int {
            var p = start
            while bits(p) & kind != 0 { p += 1 }
            return p
        }

        let value = values[pos]
        let here = classes[pos]

        // [ASCII punctuation][A-Za-z]+
        if isASCIIPunctuation(value), pos + 1 < high, isASCIILetter(values[pos + 1]) {
            var p = pos + 2
            while p < high, isASCIILetter(values[p]) { p += 1 }
            return p
        }

        // [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
        let mayLead = value != cr && value != lf && here & (ScalarClass.letter | punctuationOrSymbol) == 0
        if mayLead, bits(pos + 1) & letterOrMark != 0 {
            return end(of: letterOrMark, from: pos + 1)
        }
        if here & letterOrMark != 0 {
            return end(of: letterOrMark, from: pos)
        }

        // ' ?[\p{P}\p{S}]+[\r\n]*'
        let lead = value == 0x20 ? 1 : 0
        if bits(pos + lead) & punctuationOrSymbol != 0 {
            var p = end(of: punctuationOrSymbol, from: pos + lead)
            while isNewline(p) { p += 1 }
            return p
        }

        // \s*[\r\n]+ | \s+(?!\S) | \s+
        var spaces = 0
        var afterLastNewline = 0
        while bits(pos + spaces) & ScalarClass.whitespace != 0 {
            if isNewline(pos + spaces) { afterLastNewline = pos + spaces + 1 }
            spaces += 1
        }
        if afterLastNewline > 0 { return afterLastNewline }
        if spaces > 1, pos + spaces < high { return pos + spaces - 1 }
        if spaces > 0 { return pos + spaces }
        return nil
    }
}
