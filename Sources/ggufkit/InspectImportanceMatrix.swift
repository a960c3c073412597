import Foundation
import ImportanceMatrix

extension InspectCommand {
    /// Prints an importance matrix as a summary (datasets, entry table, most active columns)
    /// rather than as the raw sums and counts tensors it is stored in.
    func printImportanceMatrix(format: String) throws {
        let summary = try ImportanceMatrix(contentsOf: path).summary()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(ImportanceMatrixReport(path: path, format: format, summary: summary))
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(path) (importance matrix, \(format))\n")
            print(summary.text)
        }
    }
}

/// The summary's JSON with the file's path and format alongside, as `inspect --json` reports other files.
private struct ImportanceMatrixReport: Encodable {
    let path: String
    let format: String
    let summary: ImportanceSummary

    enum CodingKeys: String, CodingKey { case kind, path, format }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("imatrix", forKey: .kind)
        try container.encode(path, forKey: .path)
        try container.encode(format, forKey: .format)
        try summary.encode(to: encoder)
    }
}
