import GGUF

/// The file types users name on the command line, as llama.cpp's tools spell them.
///
/// A file type is a policy: it picks each tensor's type from its role (see
/// ``TensorTypePolicy``); the name says what most weight matrices become.
public enum FileType: String, CaseIterable, Sendable {
    case f32, f16, bf16
    /// Keeps the checkpoint's own float type.
    case auto

    /// Parses a user-typed name, case-insensitively.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    /// `general.file_type` (llama.cpp's `llama_ftype`).
    public var llamaFileType: UInt32 {
        switch self {
        case .f32: 0
        case .f16: 1
        case .bf16: 32
        case .auto: 1
        }
    }

    /// The type most 2-D weights get.
    public var baseType: GGMLType {
        switch self {
        case .f32: .f32
        case .f16, .auto: .f16
        case .bf16: .bf16
        }
    }

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: "|") }
}
