import GGUF

/// A metadata key/value set in the output file, given as llama.cpp's `--override-kv KEY=TYPE:VALUE`
/// (TYPE `int`, `float`, `bool` or `str`).
public struct MetadataOverride: Sendable, Equatable {
    /// The value, as typed on the command line.
    public enum Value: Sendable, Equatable {
        case int(Int64)
        case float(Double)
        case bool(Bool)
        case string(String)
    }

    public var key: String
    public var value: Value

    public init(key: String, value: Value) {
        self.key = key
        self.value = value
    }

    /// llama.cpp keeps keys and string values in 128-byte C buffers; longer ones are refused there.
    static let maxBytes = 127

    /// Parses `KEY=TYPE:VALUE`. Stricter than llama.cpp's `atol`/`atof` on numbers: a value
    /// with trailing garbage is an error rather than a silent prefix.
    public init(parsing text: String) throws {
        func invalid(_ why: String) -> ConversionError {
            .invalidOption("--override-kv '\(text)': \(why) (expected KEY=TYPE:VALUE, TYPE one of int, float, bool, str)")
        }
        guard let eq = text.firstIndex(of: "=") else { throw invalid("no '='") }
        key = String(text[..<eq])
        guard !key.isEmpty else { throw invalid("empty key") }
        guard key.utf8.count <= Self.maxBytes else { throw invalid("key longer than \(Self.maxBytes) bytes") }
        let typed = text[text.index(after: eq)...]
        guard let colon = typed.firstIndex(of: ":") else { throw invalid("no TYPE:") }
        let raw = String(typed[typed.index(after: colon)...])
        switch typed[..<colon] {
        case "int":
            guard let number = Int64(raw) else { throw invalid("'\(raw)' is not an integer") }
            value = .int(number)
        case "float":
            guard let number = Double(raw) else { throw invalid("'\(raw)' is not a number") }
            value = .float(number)
        case "bool":
            guard raw == "true" || raw == "false" else { throw invalid("a bool is true or false") }
            value = .bool(raw == "true")
        case "str":
            guard raw.utf8.count <= Self.maxBytes else { throw invalid("value longer than \(Self.maxBytes) bytes") }
            value = .string(raw)
        default:
            throw invalid("unknown type '\(typed[..<colon])'")
        }
    }

    /// The GGUF value llama-quantize writes for this override: integers as `uint32`, floats as
    /// `float32`. Integers outside `0...UInt32.max` are refused instead of wrapped.
    public func metadataValue() throws -> GGUFValue {
        switch value {
        case let .int(number):
            guard let stored = UInt32(exactly: number) else {
                throw ConversionError.invalidOption(
                    "--override-kv \(key): \(number) does not fit the uint32 that quantized files store integers as")
            }
            return .uint32(stored)
        case let .float(number): return .float32(Float(number))
        case let .bool(flag): return .bool(flag)
        case let .string(text): return .string(text)
        }
    }
}
