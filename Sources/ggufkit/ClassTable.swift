import Evaluation
import Foundation

/// The per-class table `compare --by-class` prints under the main one.
enum ClassTable {
    static let headers = ["class", "tokens", "KLD mean", "top-1 %", "Δ log p"]

    static func text(_ classes: [ClassReport], candidate: String) -> String {
        let body = classes.map { c in
            [c.name, "\(c.tokens)", String(format: "%.6f", c.meanKLDivergence),
             String(format: "%.2f", c.topTokenAgreement * 100), String(format: "%+.4f", c.meanLogProbChange)]
        }
        let widths = headers.indices.map { column in
            max(headers[column].count, body.map { $0[column].count }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var lines = ["\(URL(fileURLWithPath: candidate).lastPathComponent) by class of the predicted token "
            + "(Δ log p: candidate minus original, nats):", ""]
        lines.append(line(headers))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines.append(contentsOf: body.map(line))
        return lines.joined(separator: "\n")
    }
}
