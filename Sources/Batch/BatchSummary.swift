import Foundation

/// The table `batch` prints at the end: one row per job.
public enum BatchSummary {
    static let headers = ["job", "status", "file", "MB", "bpw", "s", "peak MB", "PPL", "ΔPPL", "KLD", "top-1 %", "note"]

    public static func table(_ records: [[String: Any]]) -> String {
        func number(_ value: Any?, _ format: String, scale: Double = 1) -> String {
            guard let value = value as? Double ?? (value as? Int).map(Double.init) else { return "-" }
            return String(format: format, value * scale)
        }
        let rows = records.map { record -> [String] in
            let evaluation = record["evaluation"] as? [String: Any]
            let validation = record["validation"] as? [String: Any]
            let figures = evaluation ?? validation
            return [
                record["job"] as? String ?? "?", record["status"] as? String ?? "?", record["output"] as? String ?? "",
                number(record["size"], "%.1f", scale: 1e-6), number(record["bits_per_weight"], "%.2f"),
                number(record["seconds"], "%.1f"), number(record["max_resident_bytes"], "%.0f", scale: 1e-6),
                number(figures?["perplexity"], "%.4f"), number(figures?["delta_perplexity"], "%+.4f"),
                number(figures?["kl_divergence_mean"], "%.6f"), number(figures?["top1_agreement"], "%.2f", scale: 100),
                (record["error"] as? String) ?? (record["reason"] as? String) ?? "",
            ]
        }
        let widths = headers.indices.map { column in
            max(headers[column].count, rows.map { $0[column].count }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: max(0, widths[column] - cell.count))
                return column <= 2 || column == cells.count - 1 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return ([line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }
}
