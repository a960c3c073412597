import Foundation
import GGUF
import Quantization

/// A `--keep <regex>=<type>` override.
public struct TensorTypeOverride: Sendable {
    public var pattern: String
    public var type: GGMLType

    /// Parses `regex=type` (type as ggml names it: `q8_0`, `q4_K`, `f16`, case-insensitive).
    public init(parsing text: String) throws {
        guard let eq = text.lastIndex(of: "=") else {
            throw ConversionError.invalidOption("--keep expects <regex>=<type>, got '\(text)'")
        }
        pattern = String(text[..<eq])
        type = try Self.writableType(named: String(text[text.index(after: eq)...]), option: "--keep")
        guard (try? NSRegularExpression(pattern: pattern)) != nil else {
            throw ConversionError.invalidOption("--keep: invalid regular expression '\(pattern)'")
        }
    }

    /// The ggml type called `name` (`q8_0`, `Q4_K`, `f16`: ggml's names, case-insensitive),
    /// if ggufkit can encode it; `option` names the flag in the error.
    public static func writableType(named name: String, option: String) throws -> GGMLType {
        let wanted = name.lowercased()
        guard let type = GGMLType.allCases.first(where: { $0.name.lowercased() == wanted }) else {
            throw ConversionError.invalidOption("\(option): unknown tensor type '\(name)'")
        }
        guard QuantFormats.format(for: type) != nil else {
            let names = QuantFormats.all.map(\.type.name).joined(separator: ", ")
            throw ConversionError.invalidOption("\(option): ggufkit cannot write \(type.name) tensors (it writes \(names))")
        }
        return type
    }

    func matches(_ name: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}
