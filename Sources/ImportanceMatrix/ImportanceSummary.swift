import Foundation

/// What an importance matrix says, for display: where it came from, one row per entry and
/// each entry's most active columns. ``text`` renders it for a terminal; it encodes to JSON
/// with snake_case keys.
public struct ImportanceSummary: Equatable, Sendable, Encodable {
    /// A column and its mean squared activation.
    public struct Column: Equatable, Sendable, Encodable {
        public let index: Int
        public let mean: Double
    }

    /// One entry of the matrix.
    public struct Row: Equatable, Sendable, Encodable {
        public let name: String
        public let columns: Int
        public let matrices: Int
        /// Tokens seen, summed over the matrices (for a legacy `.dat` file, its call count).
        public let count: Double
        /// The mean over columns of each column's mean squared activation; `nil` when no
        /// token was seen.
        public let mean: Double?
        /// The columns with the largest mean squared activation, largest first.
        public let topColumns: [Column]

        enum CodingKeys: String, CodingKey {
            case name, columns, matrices, count, mean
            case topColumns = "top_columns"
        }
    }

    public let datasets: [String]
    public let chunkCount: Int
    public let chunkSize: Int
    /// Rows in ``ImportanceMatrix/names`` order.
    public let entries: [Row]

    enum CodingKeys: String, CodingKey {
        case datasets, entries
        case chunkCount = "chunk_count"
        case chunkSize = "chunk_size"
    }

    /// A plain-text rendering: the header figures, the entry table, then the top columns.
    public var text: String {
        let datasetText = datasets.isEmpty ? "(none recorded)" : datasets.joined(separator: ", ")
        let sizeText = chunkSize > 0 ? " of \(chunkSize) tokens" : ""
        var lines = ["datasets: \(datasetText)", "chunks: \(chunkCount)\(sizeText)", "entries: \(entries.count)", ""]
        let nameWidth = max(6, min(48, entries.map(\.name.count).max() ?? 0))
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + fill : fill + text
        }
        lines.append("  " + pad("tensor", nameWidth, left: true) + pad("columns", 9) + pad("matrices", 10)
            + pad("count", 12) + pad("mean", 12))
        for row in entries {
            lines.append("  " + pad(row.name, nameWidth, left: true) + pad("\(row.columns)", 9)
                + pad("\(row.matrices)", 10) + pad(Self.formatCount(row.count), 12)
                + pad(row.mean.map { Self.format($0) } ?? "-", 12))
        }
        let withColumns = entries.filter { !$0.topColumns.isEmpty }
        if !withColumns.isEmpty {
            lines.append("")
            lines.append("top columns by mean squared activation (column: mean):")
            for row in withColumns {
                let columns = row.topColumns.map { "\($0.index): \(Self.format($0.mean))" }.joined(separator: ", ")
                lines.append("  " + pad(row.name, nameWidth, left: true) + "  " + columns)
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0, magnitude < 1e-3 || magnitude >= 1e6 {
            return String(format: "%.3e", value)
        }
        return String(format: "%.4f", value)
    }

    static func formatCount(_ count: Double) -> String {
        count == count.rounded() && abs(count) < 1e15 ? String(Int64(count)) : String(format: "%.1f", count)
    }
}

extension ImportanceMatrix {
    /// A summary for display, with the `topColumns` most active columns of each entry.
    ///
    /// A column's mean squared activation is its sums over all matrices divided by all their
    /// tokens, computed in `Double`; these are display figures, not the quantizer's weights.
    public func summary(topColumns: Int = 5) -> ImportanceSummary {
        let rows = names.map { name -> ImportanceSummary.Row in
            let entry = entries[name]!
            let tokens = entry.counts.reduce(0) { $0 + Double($1) }
            var means: [Double] = []
            if tokens > 0 {
                means = (0 ..< entry.columns).map { column in
                    (0 ..< entry.matrixCount).reduce(0) { $0 + Double(entry.sums[$1 * entry.columns + column]) } / tokens
                }
            }
            // Ties go to the lower column so the output is deterministic.
            let top = means.enumerated()
                .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
                .prefix(max(0, topColumns))
                .map { ImportanceSummary.Column(index: $0.offset, mean: $0.element) }
            return ImportanceSummary.Row(name: name, columns: entry.columns, matrices: entry.matrixCount,
                                         count: tokens, mean: means.isEmpty ? nil : means.reduce(0, +) / Double(means.count),
                                         topColumns: top)
        }
        return ImportanceSummary(datasets: datasets, chunkCount: chunkCount, chunkSize: chunkSize, entries: rows)
    }
}
