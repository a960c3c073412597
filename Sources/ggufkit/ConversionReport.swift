import ArgumentParser
import Conversion
import Foundation

/// What `convert --json` and `quantize --json` print: the file written and, with `--validate`,
/// how it compares with its source. `batch` reads it from each job.
struct ConversionReport: Codable {
    var output: String
    var fileType: String
    var tensors: Int
    var parameters: Int
    var bytes: Int
    var bitsPerWeight: Double
    var seconds: Double
    var validation: ValidationReport?

    enum CodingKeys: String, CodingKey {
        case output, fileType = "file_type", tensors, parameters, bytes, bitsPerWeight = "bits_per_weight", seconds
        case validation
    }

    init(_ summary: ConversionSummary, validation: ValidationReport?) {
        output = summary.outputPath
        fileType = summary.fileType.rawValue
        tensors = summary.tensorCount
        parameters = summary.parameterCount
        bytes = summary.bytesWritten
        bitsPerWeight = summary.bitsPerWeight
        seconds = summary.seconds
        self.validation = validation
    }
}

/// The steps `convert` and `quantize` share after the file is written: validate it, print the
/// summary, and turn a missed limit into exit code 3.
enum ConversionFinish {
    static func finish(_ summary: ConversionSummary, original: String, validation: ValidationOptions, json: Bool,
                       common: CommonOptions) throws {
        if common.verbose { SummaryPrinter.table(summary, log: common.log) }
        if !common.quiet, !json { print(SummaryPrinter.line(summary)) }
        let report = validation.enabled
            ? try Validator.run(original: original, candidate: summary.outputPath, options: validation,
                                threads: common.threads, log: common.log)
            : nil
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(ConversionReport(summary, validation: report)), as: UTF8.self))
        } else if let report, !common.quiet {
            print(report.line)
        }
        if let report, !report.passed {
            FileHandle.standardError.write(Data(("ggufkit: validation failed: " + report.failures.joined(separator: "; ")
                    + " (the file is kept: \(summary.outputPath))\n").utf8))
            throw ToolExitCode.validationFailed
        }
    }
}
