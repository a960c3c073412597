import Foundation
import GGUF

/// GGUF → GGUF with a new file type (llama-quantize's job): metadata copied, tensors
/// re-encoded through F32 by the same pipeline and policy `convert` uses.
public enum Requantizer {
    /// Re-encodes `inputPath`, running `passes` (if any) before the type policy.
    public static func quantize(inputPath: String, _ options: ConversionOptions,
                                passes: [any ModelPass] = []) throws -> ConversionSummary {
        let input = try GGUFFile(path: inputPath)
        return try ModelPipeline.run(.gguf(input), passes: passes, options: options)
    }
}
