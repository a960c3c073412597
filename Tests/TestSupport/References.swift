import Foundation
import Testing

/// Reference data and tools (shared models, the SmolLM2 fixture, gguf-py) are optional on a
/// developer machine and mandatory in CI: a test whose reference is absent skips with a
/// message, unless `GGUFKIT_REQUIRE_REFERENCES=1`, which turns the absence into a failure.
public enum References {
    public static var required: Bool {
        ProcessInfo.processInfo.environment["GGUFKIT_REQUIRE_REFERENCES"] == "1"
    }

    /// `value`, or `nil` after printing why the test stops here, or after recording a failure
    /// when references are required. `what` names the reference and where it is looked for.
    public static func locate<Value>(_ value: Value?, _ what: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) -> Value? {
        if let value { return value }
        if required {
            Issue.record("\(what) not found (GGUFKIT_REQUIRE_REFERENCES=1)", sourceLocation: sourceLocation)
        } else {
            print("skipping: \(what) not available")
        }
        return nil
    }

    /// ``TestAssets/stories260K``, through ``locate(_:_:sourceLocation:)``.
    public static func stories260K(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        locate(TestAssets.stories260K, "stories260K (../shared/models/stories260K or GGUFKIT_SHARED)",
               sourceLocation: sourceLocation)
    }

    /// ``TestAssets/smolLM2``, through ``locate(_:_:sourceLocation:)``.
    public static func smolLM2(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        locate(TestAssets.smolLM2, "the SmolLM2 checkpoint (../shared/scripts/make-smollm2-hf.sh or GGUFKIT_SMOLLM2_DIR)",
               sourceLocation: sourceLocation)
    }

    /// ``Python/withGGUF``, through ``locate(_:_:sourceLocation:)``.
    public static func pythonWithGGUF(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        locate(Python.withGGUF, "python3 with the gguf and numpy packages", sourceLocation: sourceLocation)
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test when its reference is `available`; when references are required it runs
    /// regardless, so the missing reference fails it instead of skipping it.
    public static func enabled(ifAvailable available: @autoclosure @escaping @Sendable () throws -> Bool,
                               _ comment: Comment? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: try available() || References.required, comment, sourceLocation: sourceLocation)
    }
}
