/// A string that compares and hashes by its UTF-8 bytes, like Python's `str`.
///
/// Swift's `String` equality uses canonical equivalence, so "é" and "e\u{301}" are
/// equal to it but are two different tokens to a tokenizer. Every lookup keyed by token
/// text goes through this type.
struct ExactString: Hashable, Sendable {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        lhs.value.utf8.elementsEqual(rhs.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var copy = value
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Code-point equality, as Python compares strings.
    func isExactly(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    /// Code-point prefix test, as Python's `startswith`.
    func hasExactPrefix(_ prefix: String) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Code-point suffix test, as Python's `endswith`.
    func hasExactSuffix(_ suffix: String) -> Bool {
        utf8.reversed().starts(with: suffix.utf8.reversed())
    }
}
