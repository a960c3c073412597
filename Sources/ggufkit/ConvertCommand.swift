import ArgumentParser
import Conversion
import Foundation

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a Hugging Face model folder to a GGUF file in one pass."
    )

    @Argument(help: "A Hugging Face model folder (config.json, *.safetensors, tokenizer files).")
    var modelDirectory: String

    @Option(name: .shortAndLong, help: "Output GGUF path.")
    var output: String

    @Option(name: .long, help: "Output file type: \(FileType.allNames).")
    var type: String = "f16"

    @Option(name: .long, help: "Force tokenizer.ggml.pre (e.g. llama-bpe, smollm, qwen2) instead of detecting it.")
    var pre: String?

    @Flag(name: .long, help: "Overwrite the output if it exists.")
    var force = false

    @OptionGroup var quantization: QuantizationOptions
    @OptionGroup var split: SplitOptions
    @OptionGroup var importance: PassOptions
    @OptionGroup var validation: ValidationOptions
    @OptionGroup(title: "Calibration device") var gpu: CalibrationGPUOption

    @Flag(name: .long, help: "Print the summary (and validation figures) as JSON on stdout.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard FileType(name: type) != nil else {
            throw ValidationError("unknown --type '\(type)'; expected one of \(FileType.allNames)")
        }
    }

    func run() throws {
        let outputPath = URL(fileURLWithPath: output).standardizedFileURL.path
        if !force, FileManager.default.fileExists(atPath: outputPath) {
            throw ConversionError.outputExists(path: outputPath)
        }
        try split.checkNoExistingParts(of: outputPath, force: force)
        var options = ConversionOptions(modelDirectory: modelDirectory, outputPath: outputPath)
        options.fileType = FileType(name: type)!
        options.threads = common.threads
        options.gpuLayers = gpu.requestedLayers
        options.gpuDevice = gpu.device
        options.preTokenizerOverride = pre
        options.split = try split.limit()
        try quantization.apply(to: &options)
        options.log = common.logger
        let reporter = ProgressReporter(quiet: common.quiet)
        options.progress = { reporter.update($0) }
        let summary = try Converter.convert(options, passes: try importance.passes(selection: options.importanceSelection))
        try ConversionFinish.finish(summary, original: modelDirectory, validation: validation, json: json, common: common)
    }
}
