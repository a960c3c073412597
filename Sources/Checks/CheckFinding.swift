/// One problem `ggufkit check` found in a GGUF file: what it is, why it matters, how to fix it.
public struct CheckFinding: Sendable, Equatable {
    /// The kinds of trap, each with a stable code for scripts (`--json`).
    public enum Kind: String, Sendable, CaseIterable {
        case padIsEOS = "pad-is-eos"
        case padMissing = "pad-missing"
        case tokenIDOutOfRange = "token-id-out-of-range"
        case doubleBOS = "double-bos"
        case noChatTemplate = "no-chat-template"
        case missingPreTokenizer = "missing-pre-tokenizer"
        case unknownPreTokenizer = "unknown-pre-tokenizer"
        case preTokenizerNotInGGUFKit = "pre-tokenizer-not-in-ggufkit"
        case embeddingRows = "embedding-rows"
        case nonFinite = "non-finite"
        case f16Saturated = "f16-saturated"
        case notScanned = "not-scanned"
    }

    /// A warning is a trap in the file; a note is something worth knowing that does not make
    /// the file wrong (it does not change the exit code).
    public enum Severity: String, Sendable {
        case warning, note
    }

    public var kind: Kind
    public var severity: Severity
    /// One line: what is wrong and what it breaks.
    public var message: String
    /// One line: how to repair it.
    public var fix: String
    /// The tensors concerned, when the finding is about tensors.
    public var tensors: [String]

    public init(_ kind: Kind, _ severity: Severity = .warning, message: String, fix: String, tensors: [String] = []) {
        self.kind = kind
        self.severity = severity
        self.message = message
        self.fix = fix
        self.tensors = tensors
    }
}

/// Everything `ggufkit check` found in one file.
public struct CheckReport: Sendable {
    public var path: String
    public var findings: [CheckFinding]
    /// Tensors whose values were read (all of them unless the scan was skipped or a type
    /// cannot be decoded).
    public var tensorsScanned: Int
    public var tensorCount: Int

    public var warnings: [CheckFinding] { findings.filter { $0.severity == .warning } }
}
