import ImportanceMatrix
import Inference

extension ImportanceMatrix {
    /// An importance matrix from collected activation statistics, as llama-imatrix stores it:
    /// per-column sums of squares (F32) and the number of rows seen, one matrix per weight.
    public init(statistics: ColumnStatistics, datasets: [String], chunkCount: Int, chunkSize: Int)
        throws(ImportanceMatrixError) {
        var entries: [String: Entry] = [:]
        for (name, entry) in statistics.entries where entry.rows > 0 {
            entries[name] = try Entry(columns: entry.columns, sums: entry.sumOfSquares.map { Float($0) },
                                      counts: [Float(entry.rows)])
        }
        self.init(datasets: datasets, chunkCount: chunkCount, chunkSize: chunkSize, entries: entries)
    }
}
