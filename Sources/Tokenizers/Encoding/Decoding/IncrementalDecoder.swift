/// Decodes tokens one at a time for streaming output, holding back the bytes of a
/// character split across tokens until it is complete (byte-fallback and byte-level
/// vocabularies spell an emoji as several tokens).
public struct IncrementalDecoder: Sendable {
    private let tokenizer: any TextTokenizer
    private let renderSpecial: Bool
    private var dropsSpacePrefix: Bool
    /// Bytes of an incomplete trailing character.
    private var pending: [UInt8] = []

    /// - Parameters:
    ///   - renderSpecial: show the text of CONTROL and UNKNOWN tokens (e.g. `<|im_end|>`).
    ///   - dropsSpacePrefix: drop one leading space from the first text, undoing the
    ///     dummy prefix of a SentencePiece encoding; leave false when continuing a text.
    public init(tokenizer: any TextTokenizer, renderSpecial: Bool = false, dropsSpacePrefix: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
        self.dropsSpacePrefix = dropsSpacePrefix
    }

    /// The text completed by `token`: everything up to the last whole character.
    public mutating func append(_ token: Int32) -> String {
        var bytes = tokenizer.pieceBytes(token, special: renderSpecial)
        if dropsSpacePrefix, !bytes.isEmpty {
            if bytes[0] == 0x20 { bytes.removeFirst() }
            dropsSpacePrefix = false
        }
        pending.append(contentsOf: bytes)
        let complete = Self.completePrefixLength(pending)
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Whatever is still held back, with an unfinished character as U+FFFD.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of `bytes` without a trailing lead byte whose continuation bytes have not
    /// all arrived yet; anything else (valid or not) is released.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // A character is at most 4 bytes, so only the last 3 can start an unfinished one.
        var index = bytes.count - 1
        let floor = max(bytes.count - 3, 0)
        while index >= floor {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let needed: Int
                switch byte {
                case 0xC2 ... 0xDF: needed = 2
                case 0xE0 ... 0xEF: needed = 3
                case 0xF0 ... 0xF4: needed = 4
                default: needed = 1
                }
                return bytes.count - index < needed ? index : bytes.count
            }
            index -= 1
        }
        return bytes.count
    }
}
