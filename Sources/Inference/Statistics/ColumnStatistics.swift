import Foundation

/// Per-input-column statistics of linear-layer inputs: sums of squares (an importance
/// matrix), sums of absolute values (activation-aware scaling) and row counts.
///
/// Sums are kept in `Double` and each column is summed by one worker, rows in order, so the
/// result is the same for any thread count.
public final class ColumnStatistics: ActivationTap, @unchecked Sendable {
    // @unchecked: mutated only from `observe`, which the forward pass calls serially.

    /// The statistics of one weight's input.
    public struct Entry: Sendable, Equatable {
        /// Input features.
        public var columns: Int
        /// Σ x² per column.
        public var sumOfSquares: [Double]
        /// Σ |x| per column.
        public var sumOfMagnitudes: [Double]
        /// Input rows (tokens) seen.
        public var rows: Int

        public init(columns: Int) {
            self.columns = columns
            sumOfSquares = [Double](repeating: 0, count: columns)
            sumOfMagnitudes = [Double](repeating: 0, count: columns)
            rows = 0
        }
    }

    /// Statistics by weight name.
    public private(set) var entries: [String: Entry] = [:]
    private let include: (String) -> Bool
    private let parallel: Parallel

    /// Collects the inputs of the weights for which `include` returns true.
    public init(threads: Int = 1, include: @escaping (String) -> Bool) {
        self.include = include
        parallel = Parallel(threads: max(1, threads))
    }

    /// llama-imatrix's selection: every matrix inside a block (`blk.*`), plus the output head
    /// when `includeOutput` is set.
    public static func importanceMatrixSelection(includeOutput: Bool) -> (String) -> Bool {
        { name in name.hasPrefix("blk.") || (includeOutput && name == "output.weight") }
    }

    public func wants(_ weightName: String) -> Bool { include(weightName) }

    public func observe(_ weightNames: [String], input: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int) {
        guard rows > 0, columns > 0 else { return }
        var squares = [Double](repeating: 0, count: columns)
        var magnitudes = [Double](repeating: 0, count: columns)
        squares.withUnsafeMutableBufferPointer { squares in
            magnitudes.withUnsafeMutableBufferPointer { magnitudes in
                let sq = squares.baseAddress!, mag = magnitudes.baseAddress!
                // Columns split across workers; each worker walks its columns row by row.
                parallel.forEachSlice(columns, grain: 64) { slice, _ in
                    for row in 0 ..< rows {
                        let x = input + row * stride
                        for column in slice {
                            let value = Double(x[column])
                            sq[column] += value * value
                            mag[column] += abs(value)
                        }
                    }
                }
            }
        }
        for name in weightNames {
            var entry = entries[name] ?? Entry(columns: columns)
            guard entry.columns == columns else { continue }
            for column in 0 ..< columns {
                entry.sumOfSquares[column] += squares[column]
                entry.sumOfMagnitudes[column] += magnitudes[column]
            }
            entry.rows += rows
            entries[name] = entry
        }
    }
}
