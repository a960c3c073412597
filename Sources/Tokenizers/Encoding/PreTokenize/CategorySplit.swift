/// The simple single-class patterns some pre-tokenizers run before (or after) their main
/// regex. As with llama.cpp's regex splitting, the text between matches is kept as
/// pieces of its own.
enum CategorySplit {
    /// Which scalars a pattern accepts.
    enum Class: Sendable {
        /// `\p{N}`.
        case number
        /// `\p{L}`.
        case letter
        /// `\p{P}` alone (the ASCII symbols `$+<=>^`|~` are `\p{S}`, so not in it).
        case punctuation
        /// `[\r\n]`.
        case newline
        /// `[\p{P}\$\+<=>\^~\|]`: Unicode punctuation plus the ASCII symbols llama.cpp lists
        /// (every printable ASCII non-alphanumeric except the backtick).
        case punctuationAndSymbols
        /// The same with the backtick (Falcon's list).
        case punctuationSymbolsAndBacktick
        /// A bracket expression of literal code points.
        case ranges(ScalarRanges)

        func contains(_ value: UInt32, _ bits: UInt8) -> Bool {
            switch self {
            case .number:
                return bits & ScalarClass.number != 0
            case .letter:
                return bits & ScalarClass.letter != 0
            case .punctuation:
                return bits & ScalarClass.punctuation != 0
            case .newline:
                return value == 0x0A || value == 0x0D
            case let .ranges(ranges):
                return ranges.contains(value, bits)
            case .punctuationAndSymbols, .punctuationSymbolsAndBacktick:
                if value >= 0x80 { return bits & ScalarClass.punctuation != 0 }
                switch value {
                case 0x21 ... 0x2F, 0x3A ... 0x40, 0x5B ... 0x5F, 0x7B ... 0x7E: return true
                case 0x60:
                    if case .punctuationSymbolsAndBacktick = self { return true }
                    return false
                default: return false
                }
            }
        }
    }

    /// Every accepted scalar becomes a piece of its own (`\p{N}`).
    static func isolate(_ text: ScalarText, _ segments: [Int], _ accepted: Class) -> [Int] {
        forEachSegment(text, segments) { values, classes, low, high, writer in
            for pos in low ..< high where accepted.contains(values[pos], classes[pos]) {
                writer.cut(at: pos)
                writer.cut(at: pos + 1)
            }
        }
    }

    /// Every maximal run of accepted scalars becomes a piece (`[...]+`).
    static func runs(_ text: ScalarText, _ segments: [Int], _ accepted: Class) -> [Int] {
        forEachSegment(text, segments) { values, classes, low, high, writer in
            var pos = low
            while pos < high {
                guard accepted.contains(values[pos], classes[pos]) else {
                    pos += 1
                    continue
                }
                writer.cut(at: pos)
                while pos < high, accepted.contains(values[pos], classes[pos]) { pos += 1 }
                writer.cut(at: pos)
            }
        }
    }

    /// `C{1,size}`: every maximal run of accepted scalars is cut into pieces of `size`
    /// from its start, the last one shorter.
    static func groups(_ text: ScalarText, _ segments: [Int], _ accepted: Class, size: Int) -> [Int] {
        forEachSegment(text, segments) { values, classes, low, high, writer in
            var pos = low
            while pos < high {
                guard accepted.contains(values[pos], classes[pos]) else {
                    pos += 1
                    continue
                }
                writer.cut(at: pos)
                var groupStart = pos
                while pos < high, accepted.contains(values[pos], classes[pos]) {
                    pos += 1
                    if pos - groupStart == size {
                        writer.cut(at: pos)
                        groupStart = pos
                    }
                }
                writer.cut(at: pos)
            }
        }
    }

    /// `\s?C+`: a run of accepted scalars, taking one whitespace scalar just before it along.
    static func spacedRuns(_ text: ScalarText, _ segments: [Int], _ accepted: Class) -> [Int] {
        forEachSegment(text, segments) { values, classes, low, high, writer in
            func isAccepted(_ p: Int) -> Bool { p < high && accepted.contains(values[p], classes[p]) }
            var pos = low
            while pos < high {
                let start = pos
                if classes[pos] & ScalarClass.whitespace != 0, isAccepted(pos + 1) {
                    pos += 1
                } else if !isAccepted(pos) {
                    pos += 1
                    continue
                }
                while isAccepted(pos) { pos += 1 }
                writer.cut(at: start)
                writer.cut(at: pos)
            }
        }
    }

    /// `\s+$`: the whitespace a segment ends with becomes a piece.
    static func trailingWhitespace(_ text: ScalarText, _ segments: [Int]) -> [Int] {
        forEachSegment(text, segments) { _, classes, low, high, writer in
            var start = high
            while start > low, classes[start - 1] & ScalarClass.whitespace != 0 { start -= 1 }
            writer.cut(at: start)
        }
    }

    /// `[0-9][0-9][0-9]`: ASCII digit runs are cut into triples from their start; the
    /// one or two digits left over stay with the surrounding text.
    static func asciiDigitTriples(_ text: ScalarText, _ segments: [Int]) -> [Int] {
        forEachSegment(text, segments) { values, _, low, high, writer in
            func isDigit(_ p: Int) -> Bool { p < high && (0x30 ... 0x39).contains(values[p]) }
            var pos = low
            while pos < high {
                if isDigit(pos), isDigit(pos + 1), isDigit(pos + 2) {
                    writer.cut(at: pos)
                    pos += 3
                    writer.cut(at: pos)
                } else if isDigit(pos) {
                    // Skip the rest of a run too short for a triple.
                    while isDigit(pos) { pos += 1 }
                } else {
                    pos += 1
                }
            }
        }
    }

    private static func forEachSegment(
        _ text: ScalarText, _ segments: [Int],
        _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt8>, Int, Int, inout SegmentWriter) -> Void
    ) -> [Int] {
        var writer = SegmentWriter(capacity: segments.count * 2)
        text.values.withUnsafeBufferPointer { values in
            text.classes.withUnsafeBufferPointer { classes in
                var start = 0
                for length in segments {
                    writer.begin(at: start)
                    body(values, classes, start, start + length, &writer)
                    writer.cut(at: start + length)
                    start += length
                }
            }
        }
        return writer.lengths
    }
}
