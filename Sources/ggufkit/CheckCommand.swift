import ArgumentParser
import Checks
import Foundation
import GGUF

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Look for the traps converted files fall into: special tokens, chat template, pre-tokenizer, "
            + "embedding size, NaN/infinity and clamped F16 values.",
        discussion: "Exit status: 0 when nothing is wrong (notes allowed), \(CheckCommand.warningsExitCode) when "
            + "there are warnings, 1 when the file cannot be read."
    )

    /// The exit status when the file has warnings, distinct from errors (1) and usage (64).
    static let warningsExitCode: Int32 = 4

    @Argument(help: "A GGUF file (the first part, for a split model).")
    var file: String

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Flag(name: .long, help: "Check only the metadata and shapes; do not read the tensors' values.")
    var skipValues = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let report = FileChecker.check(try GGUFFile(path: file), scanValues: !skipValues, threads: common.threads)
        print(json ? Self.json(report) : Self.text(report))
        if !report.warnings.isEmpty { throw ExitCode(Self.warningsExitCode) }
    }

    static func text(_ report: CheckReport) -> String {
        let scanned = report.tensorsScanned > 0 ? "\(report.tensorsScanned) of \(report.tensorCount) tensors scanned"
            : "values not scanned"
        let count = report.warnings.count
        var lines = ["\(report.path): " + (count == 0 ? "no warnings" : "\(count) warning\(count == 1 ? "" : "s")")
            + " (\(scanned))"]
        for finding in report.findings {
            lines.append("\(finding.severity.rawValue) [\(finding.kind.rawValue)]: \(finding.message)")
            lines.append("  fix: \(finding.fix)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ report: CheckReport) -> String {
        let object: [String: Any] = [
            "path": report.path,
            "warnings": report.warnings.count,
            "tensor_count": report.tensorCount,
            "tensors_scanned": report.tensorsScanned,
            "findings": report.findings.map {
                ["code": $0.kind.rawValue, "severity": $0.severity.rawValue, "message": $0.message, "fix": $0.fix,
                 "tensors": $0.tensors] as [String: Any]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
