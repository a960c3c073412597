import GGUF

/// The file types users name on the command line, spelled as llama-quantize spells them.
///
/// A file type is a policy: ``TensorTypePolicy`` picks each tensor's type from its role;
/// the name says what most weight matrices become.
public enum FileType: String, CaseIterable, Sendable {
    case f32, f16, bf16
    case q8_0, q4_0, q4_1, q5_0, q5_1
    case q2_k
    /// Q2_K with fewer upgrades than `q2_k`; llama-quantize writes it only with an importance
    /// matrix (see ``TensorTypePolicy/requiresImportanceMatrix(_:type:)``).
    case q2_k_s
    case q3_k_s, q3_k_m, q3_k_l
    case q4_k_s, q4_k_m
    case q5_k_s, q5_k_m
    case q6_k
    /// Non-linear 4-bit levels: IQ4_NL blocks of 32 (Q4_0's size), IQ4_XS super-blocks of 256
    /// with 6-bit block scales (4.25 bits per weight).
    case iq4_nl, iq4_xs
    /// Lattice formats (llama.cpp's "i-quants" below 4 bits): IQ2_XXS (2.06 bpw), IQ2_XS (2.31),
    /// `iq2_s` (IQ2_XS with IQ3_S for the sensitive tensors), `iq2_m` (IQ2_S), IQ3_XXS, and
    /// IQ3_XS/IQ3_S/IQ3_M (3.3–3.7 bpw mixes of IQ3_S and IQ3_XXS). The IQ2 mixes, IQ3_XXS and IQ3_XS
    /// need an importance matrix.
    case iq2_xxs, iq2_xs, iq2_s, iq2_m
    case iq3_xxs, iq3_xs, iq3_s, iq3_m
    /// The 1-bit lattice formats: IQ1_S (1.56 bpw) and IQ1_M (1.75 bpw), with the IQ2 mixes'
    /// sensitive tensors in Q2_K, IQ2_XXS and Q5_K. Both need an importance matrix.
    case iq1_s, iq1_m
    /// Keeps the checkpoint's own float type (conversion only).
    case auto

    /// Parses a user-typed name, case-insensitively; like llama-quantize, `q3_k`, `q4_k` and
    /// `q5_k` mean the `_m` mixes.
    public init?(name: String) {
        let lowered = name.lowercased()
        switch lowered {
        case "q3_k": self = .q3_k_m
        case "q4_k": self = .q4_k_m
        case "q5_k": self = .q5_k_m
        default: self.init(rawValue: lowered)
        }
    }

    /// `general.file_type` (llama.cpp's `llama_ftype`).
    public var llamaFileType: LlamaFileType {
        switch self {
        case .f32: .allF32
        case .f16, .auto: .mostlyF16
        case .bf16: .mostlyBF16
        case .q8_0: .mostlyQ8_0
        case .q4_0: .mostlyQ4_0
        case .q4_1: .mostlyQ4_1
        case .q5_0: .mostlyQ5_0
        case .q5_1: .mostlyQ5_1
        case .q2_k: .mostlyQ2_K
        case .q2_k_s: .mostlyQ2_K_S
        case .q3_k_s: .mostlyQ3_K_S
        case .q3_k_m: .mostlyQ3_K_M
        case .q3_k_l: .mostlyQ3_K_L
        case .q4_k_s: .mostlyQ4_K_S
        case .q4_k_m: .mostlyQ4_K_M
        case .q5_k_s: .mostlyQ5_K_S
        case .q5_k_m: .mostlyQ5_K_M
        case .q6_k: .mostlyQ6_K
        case .iq4_nl: .mostlyIQ4_NL
        case .iq4_xs: .mostlyIQ4_XS
        case .iq2_xxs: .mostlyIQ2_XXS
        case .iq2_xs: .mostlyIQ2_XS
        case .iq2_s: .mostlyIQ2_S
        case .iq2_m: .mostlyIQ2_M
        case .iq3_xxs: .mostlyIQ3_XXS
        case .iq3_xs: .mostlyIQ3_XS
        case .iq3_s: .mostlyIQ3_S
        case .iq3_m: .mostlyIQ3_M
        case .iq1_s: .mostlyIQ1_S
        case .iq1_m: .mostlyIQ1_M
        }
    }

    /// The type most 2-D weights get before the per-role adjustments.
    public var baseType: GGMLType {
        switch self {
        case .f32: .f32
        case .f16, .auto: .f16
        case .bf16: .bf16
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        case .q4_1: .q4_1
        case .q5_0: .q5_0
        case .q5_1: .q5_1
        case .q2_k, .q2_k_s: .q2_K
        case .q3_k_s, .q3_k_m, .q3_k_l: .q3_K
        case .q4_k_s, .q4_k_m: .q4_K
        case .q5_k_s, .q5_k_m: .q5_K
        case .q6_k: .q6_K
        case .iq4_nl: .iq4_nl
        case .iq4_xs: .iq4_xs
        case .iq2_xxs: .iq2_xxs
        case .iq2_xs, .iq2_s: .iq2_xs
        case .iq2_m: .iq2_s
        case .iq3_xxs: .iq3_xxs
        case .iq3_xs, .iq3_s, .iq3_m: .iq3_s
        case .iq1_s: .iq1_s
        case .iq1_m: .iq1_m
        }
    }

    public var isQuantized: Bool { baseType.isQuantized }

    /// Whether some tensors of this file type need an importance matrix: llama-quantize refuses
    /// a Q2_K_S file without one unless every Q2_K tensor fell back to another type, and the
    /// IQ1, IQ2 and IQ3_XXS tensors of any file.
    public var mayRequireImportanceMatrix: Bool {
        [.q2_k_s, .iq2_xxs, .iq2_xs, .iq2_s, .iq2_m, .iq3_xxs, .iq3_xs, .iq1_s, .iq1_m].contains(self)
    }

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: "|") }
}
