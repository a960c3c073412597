/// An error thrown by test code itself (a reference tool failed, a fixture is malformed), so
/// the failure reads as its message.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
