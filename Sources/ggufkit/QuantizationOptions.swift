import ArgumentParser
import Conversion

/// Options that shape the per-tensor type choice, shared by `convert` and `quantize`.
struct QuantizationOptions: ParsableArguments {
    @Flag(name: .long, help: "Apply the file type's base type to every quantizable tensor (no per-role mix).")
    var pure = false

    @Option(name: .long, help: ArgumentHelp("Override the type of tensors whose name matches a regex, e.g. 'attn_v=q8_0'. Repeatable.",
                                            valueName: "regex=type"))
    var keep: [String] = []

    func overrides() throws -> [TensorTypeOverride] {
        try keep.map { try TensorTypeOverride(parsing: $0) }
    }

    func apply(to options: inout ConversionOptions) throws {
        options.pure = pure
        options.overrides = try overrides()
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
        "wrote \(summary.outputPath): \(summary.fileType.rawValue.uppercased()), \(summary.tensorCount) tensors, "
            + "\(summary.parameterCount) parameters, \(summary.bytesWritten) bytes, "
            + String(format: "%.2f bits per weight, %.2f s", summary.bitsPerWeight, summary.seconds)
    }
}
