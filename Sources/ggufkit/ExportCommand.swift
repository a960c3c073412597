import ArgumentParser
import Export
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Turn a GGUF file back into a Hugging Face folder (safetensors, config, tokenizer)."
    )

    @Argument(help: "The GGUF file to export.")
    var input: String

    @Option(name: .shortAndLong, help: "Output folder (created; must not exist unless --force).")
    var output: String

    @Option(name: .long, help: "Weight dtype: bf16, f16 or f32.")
    var dtype = "bf16"

    @Flag(name: .long, help: "Replace an existing output folder.")
    var force = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        guard let type = ExportDType(rawValue: dtype.lowercased()) else {
            throw ValidationError("unknown --dtype '\(dtype)'; expected bf16, f16 or f32")
        }
        var options = ExportOptions()
        options.dtype = type
        options.threads = common.threads
        options.overwrite = force
        options.log = common.logger
        let summary = try GGUFExporter.export(ggufPath: input, to: output, options: options)
        if !common.quiet { print("exported \(input) to \(output): \(summary)") }
    }
}
