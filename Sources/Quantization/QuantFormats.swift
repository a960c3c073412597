import GGUF

/// The registry of tensor encodings: the one place that maps a ggml type to its
/// ``BlockFormat``.
public enum QuantFormats {
    /// Every supported encoding, plain floats first, then by ggml type id.
    public static let all: [any BlockFormat] = [
        F32Format(), F16Format(), BF16Format(),
        Q4_0Format(), Q4_1Format(), Q5_0Format(), Q5_1Format(), Q8_0Format(),
        Q2_KFormat(), Q3_KFormat(), Q4_KFormat(), Q5_KFormat(), Q6_KFormat(),
        IQ2_XXSFormat(), IQ2_XSFormat(), IQ3_XXSFormat(), IQ1_SFormat(), IQ4_NLFormat(), IQ3_SFormat(), IQ2_SFormat(),
        IQ4_XSFormat(), IQ1_MFormat(),
    ]

    /// The encoding for `type`, or `nil` when ggufkit cannot write that type.
    public static func format(for type: GGMLType) -> (any BlockFormat)? {
        all.first { $0.type == type }
    }
}
