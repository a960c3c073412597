import ArgumentParser
import Conversion
import Foundation

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Re-encode an existing GGUF file with another file type (like llama-quantize)."
    )

    @Argument(help: "Input GGUF (usually F32, F16 or BF16).")
    var input: String

    @Argument(help: "Output GGUF path.")
    var output: String

    @Argument(help: "File type: \(FileType.allCases.filter { $0 != .auto }.map(\.rawValue).joined(separator: "|")).")
    var type: String

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
        guard let fileType = FileType(name: type), fileType != .auto else {
            throw ValidationError("unknown file type '\(type)'")
        }
    }

    func run() throws {
        let outputPath = URL(fileURLWithPath: output).standardizedFileURL.path
        if !force, FileManager.default.fileExists(atPath: outputPath) {
            throw ConversionError.outputExists(path: outputPath)
        }
        try split.checkNoExistingParts(of: outputPath, force: force)
        var options = ConversionOptions(modelDirectory: "", outputPath: outputPath)
        options.fileType = FileType(name: type)!
        options.threads = common.threads
        options.gpuLayers = gpu.requestedLayers
        options.gpuDevice = gpu.device
        options.log = common.logger
        options.split = try split.limit()
        try quantization.apply(to: &options)
        let reporter = ProgressReporter(quiet: common.quiet)
        options.progress = { reporter.update($0) }
        let summary = try Requantizer.quantize(inputPath: input, options, passes: try importance.passes(selection: options.importanceSelection))
        try ConversionFinish.finish(summary, original: input, validation: validation, json: json, common: common)
    }
}
