/// llama.cpp's `llama_ftype`: the value stored in `general.file_type` that names a file's
/// overall quantization mix. Raw values match `include/llama.h`; gaps are ids llama.cpp retired.
public enum LlamaFileType: UInt32, CaseIterable, Sendable, Codable {
    case allF32 = 0
    case mostlyF16 = 1
    case mostlyQ4_0 = 2
    case mostlyQ4_1 = 3
    case mostlyQ8_0 = 7
    case mostlyQ5_0 = 8
    case mostlyQ5_1 = 9
    case mostlyQ2_K = 10
    case mostlyQ3_K_S = 11
    case mostlyQ3_K_M = 12
    case mostlyQ3_K_L = 13
    case mostlyQ4_K_S = 14
    case mostlyQ4_K_M = 15
    case mostlyQ5_K_S = 16
    case mostlyQ5_K_M = 17
    case mostlyQ6_K = 18
    case mostlyIQ2_XXS = 19
    case mostlyIQ2_XS = 20
    case mostlyQ2_K_S = 21
    case mostlyIQ3_XS = 22
    case mostlyIQ3_XXS = 23
    case mostlyIQ1_S = 24
    case mostlyIQ4_NL = 25
    case mostlyIQ3_S = 26
    case mostlyIQ3_M = 27
    case mostlyIQ2_S = 28
    case mostlyIQ2_M = 29
    case mostlyIQ4_XS = 30
    case mostlyIQ1_M = 31
    case mostlyBF16 = 32
    case mostlyTQ1_0 = 36
    case mostlyTQ2_0 = 37
    case mostlyMXFP4_MOE = 38
    case mostlyNVFP4 = 39
    case mostlyQ1_0 = 40
    case mostlyQ2_0 = 41
    /// Not stored in files; llama.cpp uses it when it had to guess.
    case guessed = 1024

    /// The name llama-quantize accepts and prints (`F16`, `Q4_K_M`, ...).
    public var name: String {
        switch self {
        case .allF32: return "F32"
        case .guessed: return "GUESSED"
        case .mostlyMXFP4_MOE: return "MXFP4_MOE"
        default: return String("\(self)".dropFirst("mostly".count))
        }
    }

    /// Looks a file type up by its llama-quantize name, ignoring case.
    public init?(name: String) {
        let wanted = name.uppercased()
        guard let match = Self.allCases.first(where: { $0.name.uppercased() == wanted }) else { return nil }
        self = match
    }

    /// The value to store under ``GGUFKey/fileType``.
    public var metadataValue: GGUFValue { .uint32(rawValue) }
}
