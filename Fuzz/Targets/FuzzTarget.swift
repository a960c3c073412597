import Foundation

/// One parser entry point driven by arbitrary bytes.
///
/// A target must return normally for every input: a thrown error is the expected answer to a
/// hostile file, while a trap, a sanitizer report, a hang or unbounded memory is a finding.
public protocol FuzzTarget {
    /// The name `scripts/fuzz.sh` and the corpus folders use.
    static var name: String { get }
    /// Feeds one input to the parser. Errors are swallowed by the caller.
    static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws
    /// Whether the first half of a valid input is always invalid (true for formats with lengths,
    /// counts or closing brackets; a YAML document cut at a line end is often still a document).
    static var halfInputsAreInvalid: Bool { get }
}

extension FuzzTarget {
    public static var halfInputsAreInvalid: Bool { true }
}

/// Every target, in the order the CI smoke runs them. Adding a parser adds one row.
public var fuzzTargets: [any FuzzTarget.Type] { [
    SafeTensorsHeaderTarget.self,
    SafeTensorsIndexTarget.self,
    GGUFTarget.self,
    TokenizerJSONTarget.self,
    SentencePieceModelTarget.self,
    ConfigJSONTarget.self,
    ImportanceMatrixTarget.self,
    BatchManifestTarget.self,
] }

/// Looks a target up by ``FuzzTarget/name``.
public func fuzzTarget(named name: String) -> (any FuzzTarget.Type)? {
    fuzzTargets.first { $0.name == name }
}

/// Runs `target` on `input`. A rejected input is a pass; its message is returned so that seed
/// files can be checked to be accepted.
@discardableResult
public func runFuzzTarget(_ target: any FuzzTarget.Type, _ input: UnsafeRawBufferPointer, scratch: FuzzScratch) -> String? {
    do {
        try target.run(input, scratch: scratch)
        return nil
    } catch {
        // Rendering the message exercises the error's description with hostile context too.
        return String(describing: error)
    }
}
