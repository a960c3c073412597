import ArgumentParser
import Conversion
import GGUF

/// Options that shape the per-tensor type choice, shared by `convert` and `quantize`; the names
/// and meanings are llama-quantize's.
struct QuantizationOptions: ParsableArguments {
    @Flag(name: .long, help: "Apply the file type's base type to every quantizable tensor (no per-role mix).")
    var pure = false

    @Option(name: .long, help: ArgumentHelp("Override the type of tensors whose name matches a regex, e.g. 'attn_v=q8_0'. Repeatable.",
                                            valueName: "regex=type"))
    var keep: [String] = []

    @Option(name: .long, help: ArgumentHelp("Type of output.weight (and of a tied token_embd), e.g. q8_0.",
                                            valueName: "type"))
    var outputTensorType: String?

    @Option(name: .long, help: ArgumentHelp("Type of token_embd.weight, e.g. q4_0.", valueName: "type"))
    var tokenEmbeddingType: String?

    @Flag(name: .long, help: "Keep output.weight in its source type.")
    var leaveOutputTensor = false

    @Option(name: .long, help: ArgumentHelp("Use the importance matrix only for tensors whose name contains this text. Repeatable.",
                                            valueName: "name"))
    var includeWeights: [String] = []

    @Option(name: .long, help: ArgumentHelp("Do not use the importance matrix for tensors whose name contains this text. Repeatable.",
                                            valueName: "name"))
    var excludeWeights: [String] = []

    @Option(name: .long, help: ArgumentHelp("Set a metadata key in the output: KEY=TYPE:VALUE, TYPE int, float, bool or str. Repeatable.",
                                            valueName: "key=type:value"))
    var overrideKv: [String] = []

    func validate() throws {
        do {
            _ = try overrides()
            _ = try tensorType(outputTensorType, option: "--output-tensor-type")
            _ = try tensorType(tokenEmbeddingType, option: "--token-embedding-type")
            _ = try ImportanceSelection(include: includeWeights, exclude: excludeWeights)
            _ = try overrideKv.map { try MetadataOverride(parsing: $0) }
        } catch let error as ConversionError {
            throw ValidationError(error.description)
        }
    }

    func overrides() throws -> [TensorTypeOverride] {
        try keep.map { try TensorTypeOverride(parsing: $0) }
    }

    private func tensorType(_ name: String?, option: String) throws -> GGMLType? {
        try name.map { try TensorTypeOverride.writableType(named: $0, option: option) }
    }

    func apply(to options: inout ConversionOptions) throws {
        options.pure = pure
        options.overrides = try overrides()
        options.outputTensorType = try tensorType(outputTensorType, option: "--output-tensor-type")
        options.tokenEmbeddingType = try tensorType(tokenEmbeddingType, option: "--token-embedding-type")
        options.leaveOutputTensor = leaveOutputTensor
        options.importanceSelection = try ImportanceSelection(include: includeWeights, exclude: excludeWeights)
        options.metadataOverrides = try overrideKv.map { try MetadataOverride(parsing: $0) }
    }
}

/// The per-tensor table (`-v`) and the one-line summary both commands print.
enum SummaryPrinter {
    static func table(_ summary: ConversionSummary, log: (String) -> Void) {
        let width = max(20, summary.tensors.map(\.ggufName.count).max() ?? 0)
        log("  " + "name".padding(toLength: width, withPad: " ", startingAt: 0)
            + "  shape              from   to     bytes before -> after")
        for t in summary.tensors {
            let shape = "[" + t.dimensions.map(String.init).joined(separator: ", ") + "]"
            let from = t.sourceType?.name ?? "?"
            let note = t.fallbackFrom.map { "  (fallback from \($0.name))" } ?? ""
            log("  " + t.ggufName.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + shape.padding(toLength: 18, withPad: " ", startingAt: 0) + " "
                + from.padding(toLength: 6, withPad: " ", startingAt: 0) + " "
                + t.targetType.name.padding(toLength: 6, withPad: " ", startingAt: 0) + " "
                + "\(t.sourceByteCount) -> \(t.targetByteCount)\(note)")
        }
    }

    static func line(_ summary: ConversionSummary) -> String {
        let parts = summary.outputPaths.count > 1 ? " (and \(summary.outputPaths.count - 1) more parts)" : ""
        return "wrote \(summary.outputPath)\(parts): \(summary.fileType.rawValue.uppercased()), \(summary.tensorCount) tensors, "
            + "\(summary.parameterCount) parameters, \(summary.bytesWritten) bytes, "
            + String(format: "%.2f bits per weight, %.2f s", summary.bitsPerWeight, summary.seconds)
    }
}
