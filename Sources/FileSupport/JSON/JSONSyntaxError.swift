/// Why ``JSONParser`` rejected a text.
///
/// `offset` is a byte offset into the parsed buffer; callers that parse a slice of a
/// file add the slice's start before reporting it, so the number points into the file.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the problem is, in bytes from the start of the parsed buffer.
    public let offset: Int
    /// What was wrong there, in words ("expected ':' after a member name").
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "invalid JSON at byte offset \(offset): \(reason)"
    }
}
