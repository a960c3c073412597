import Foundation
import GGUF
import Inference

/// AWQ's search for one scale group: per-column scales `s = mean|x|^α` (normalised), the `α` of a
/// grid that minimises the error of the group's outputs on calibration inputs after each weight is
/// rounded through the ggml type it will be written in.
struct ScaleSearch {
    /// `α` values tried: 0, 1/grid, …, (grid−1)/grid. `α = 0` is no scaling, so the result is never
    /// worse than plain quantization on the calibration inputs.
    var grid: Int
    /// Rows of the input used to measure the error (evenly spaced); all rows give the magnitudes.
    var errorRows: Int
    var product: DenseProduct
    /// Quantize with importance weights (mean x² of each column of the scaled input), as the
    /// importance matrix collected on the scaled model will make the written file.
    var importanceWeighted = false

    /// One weight of the group: its values (`rows × columns`) and the type it will be written in.
    struct Weight {
        var name: String
        var values: [Float]
        var rows: Int
        var type: GGMLType
    }

    struct Result {
        var alpha: Double
        var scales: [Float]
        /// Mean squared output error at `α = 0` and at the chosen `α`.
        var plainError: Double
        var bestError: Double
        /// The importance weights at the chosen scales (when importance-weighted).
        var importance: [Float]?
    }

    func search(input: [Float], columns: Int, weights: [Weight]) -> Result {
        let rows = input.count / max(columns, 1)
        // Mean magnitude per input column; a dead or non-finite column gets the floor below.
        var magnitude = [Double](repeating: 0, count: columns)
        for row in 0 ..< rows {
            for column in 0 ..< columns {
                let value = Double(input[row * columns + column])
                if value.isFinite { magnitude[column] += abs(value) }
            }
        }
        for column in 0 ..< columns { magnitude[column] /= Double(max(rows, 1)) }
        var meanSquare = [Double](repeating: 0, count: columns)
        if importanceWeighted {
            for row in 0 ..< rows {
                for column in 0 ..< columns {
                    let value = Double(input[row * columns + column])
                    if value.isFinite { meanSquare[column] += value * value }
                }
            }
            for column in 0 ..< columns { meanSquare[column] /= Double(max(rows, 1)) }
        }

        let sample = sampleRows(input, rows: rows, columns: columns)
        let sampleRows = sample.count / max(columns, 1)
        let outputs = weights.reduce(0) { $0 + $1.rows }
        var reference = [Float](repeating: 0, count: sampleRows * outputs)
        multiply(sample, rows: sampleRows, columns: columns, weights: weights.map(\.values), outputs: weights.map(\.rows),
                 into: &reference)

        var best = Result(alpha: 0, scales: [Float](repeating: 1, count: columns), plainError: .infinity,
                          bestError: .infinity, importance: nil)
        var candidate = [Float](repeating: 0, count: sampleRows * outputs)
        for step in 0 ..< grid {
            let alpha = Double(step) / Double(grid)
            let scales = Self.scales(magnitude: magnitude, alpha: alpha)
            let importance: [Float]? = importanceWeighted
                ? zip(meanSquare, scales).map { Float($0 / (Double($1) * Double($1))) } : nil
            let rounded = weights.map { weight -> [Float] in
                var scaled = weight.values
                for row in 0 ..< weight.rows {
                    for column in 0 ..< columns { scaled[row * columns + column] *= scales[column] }
                }
                var back = FakeQuantizer.roundTrip(scaled, rows: weight.rows, columns: columns, type: weight.type,
                                                   importance: importance, product: product)
                for row in 0 ..< weight.rows {
                    for column in 0 ..< columns { back[row * columns + column] /= scales[column] }
                }
                return back
            }
            multiply(sample, rows: sampleRows, columns: columns, weights: rounded, outputs: weights.map(\.rows),
                     into: &candidate)
            var error = 0.0
            for index in candidate.indices {
                let difference = Double(candidate[index] - reference[index])
                error += difference * difference
            }
            error /= Double(max(candidate.count, 1))
            if step == 0 { best.plainError = error }
            if error < best.bestError {
                best = Result(alpha: alpha, scales: scales, plainError: best.plainError, bestError: error,
                              importance: importance)
            }
        }
        return best
    }

    /// `max(m, 1e-4)^α`, normalised so the largest and smallest scale multiply to 1 (llm-awq's
    /// rule); always finite and positive.
    static func scales(magnitude: [Double], alpha: Double) -> [Float] {
        var scales = magnitude.map { pow(max($0, 1e-4), alpha) }
        let largest = scales.max() ?? 1, smallest = scales.min() ?? 1
        let norm = (largest * smallest).squareRoot()
        if norm.isFinite, norm > 0 { scales = scales.map { $0 / norm } }
        return scales.map { Float($0.isFinite && $0 > 0 ? $0 : 1) }
    }

    private func sampleRows(_ input: [Float], rows: Int, columns: Int) -> [Float] {
        guard rows > errorRows, errorRows > 0 else { return input }
        var sample = [Float]()
        sample.reserveCapacity(errorRows * columns)
        for index in 0 ..< errorRows {
            let row = index * rows / errorRows
            sample += input[(row * columns) ..< ((row + 1) * columns)]
        }
        return sample
    }

    /// `out[:, block i] = x · W_iᵀ` for every weight, concatenated along the output dimension.
    private func multiply(_ x: [Float], rows: Int, columns: Int, weights: [[Float]], outputs: [Int],
                          into result: inout [Float]) {
        let total = outputs.reduce(0, +)
        var block = [Float]()
        var offset = 0
        for (weight, count) in zip(weights, outputs) {
            block = [Float](repeating: 0, count: rows * count)
            x.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    block.withUnsafeMutableBufferPointer { out in
                        product.multiplyTransposed(x.baseAddress!, rows: rows, columns: columns, w.baseAddress!,
                                                   outputs: count, into: out.baseAddress!)
                    }
                }
            }
            for row in 0 ..< rows {
                for output in 0 ..< count { result[row * total + offset + output] = block[row * count + output] }
            }
            offset += count
        }
    }
}
