import Foundation
import Inference

/// What each attention head adds to its layer's output on calibration text.
///
/// Head `h` of a layer adds `c_t = W_O[:, h] · a_t` to the residual stream at token `t` (`a_t`
/// is the head's attention output). Removing the head changes the layer's output by exactly
/// `-c_t`, so `Σ_t |c_t|²` is the squared error its removal causes on the calibration tokens;
/// adding the head's mean contribution back as a bias (FLAP's compensation) leaves
/// `Σ_t |c_t - mean(c)|²`. Groups are measured as a whole (their heads' contributions summed
/// before squaring), so heads that cancel each other count as such.
struct HeadStatistics {
    /// Tokens the sums run over.
    var tokens: Int
    /// `Σ_t |c_t|²` per query head.
    var headEnergy: [Double]
    /// `Σ_t c_t` per query head (`width` values each).
    var headSum: [[Double]]
    /// `Σ_t |Σ_{h in group} c_t,h|²` per KV group.
    var groupEnergy: [Double]
    /// `Σ_t |x_t|²` of the residual stream leaving the layer (the scale a change is felt against).
    var streamEnergy: Double

    /// Squared error left by removing `heads` (their summed contribution's energy), with or
    /// without the mean added back.
    func error(energy: Double, sum: [Double], compensated: Bool) -> Double {
        guard compensated, tokens > 0 else { return energy }
        let meanSquare = sum.reduce(0) { $0 + $1 * $1 } / Double(tokens)
        return max(energy - meanSquare, 0)
    }

    /// Measures one layer: `attended` is the attention output (`rows × heads·valueLength`, the
    /// input of `attn_output`), `output` the `attn_output` weight in GGUF layout (`width` rows of
    /// `heads·valueLength`), `stream` the residual stream after the layer.
    static func measure(attended: [Float], rows: Int, heads: Int, groupSize: Int, valueLength: Int,
                        output: [Float], width: Int, stream: [Float], product: DenseProduct) -> HeadStatistics {
        let attentionWidth = heads * valueLength
        var headEnergy = [Double](repeating: 0, count: heads)
        var headSum = [[Double]](repeating: [], count: heads)
        var groupEnergy = [Double](repeating: 0, count: heads / groupSize)
        var input = [Float](repeating: 0, count: rows * valueLength)
        var weight = [Float](repeating: 0, count: width * valueLength)
        var contribution = [Float](repeating: 0, count: rows * width)
        var groupTotal = [Float](repeating: 0, count: groupSize > 1 ? rows * width : 0)
        for head in 0 ..< heads {
            let column = head * valueLength
            for row in 0 ..< rows {
                for k in 0 ..< valueLength { input[row * valueLength + k] = attended[row * attentionWidth + column + k] }
            }
            for row in 0 ..< width {
                for k in 0 ..< valueLength { weight[row * valueLength + k] = output[row * attentionWidth + column + k] }
            }
            input.withUnsafeBufferPointer { a in
                weight.withUnsafeBufferPointer { b in
                    contribution.withUnsafeMutableBufferPointer { c in
                        product.multiplyTransposed(a.baseAddress!, rows: rows, columns: valueLength, b.baseAddress!,
                                                   outputs: width, into: c.baseAddress!)
                    }
                }
            }
            headEnergy[head] = energy(contribution, rows: rows, width: width, product: product)
            headSum[head] = columnSums(contribution, rows: rows, width: width)
            if groupSize > 1 {
                if head % groupSize == 0 {
                    groupTotal = contribution
                } else {
                    for index in groupTotal.indices { groupTotal[index] += contribution[index] }
                }
                if head % groupSize == groupSize - 1 {
                    groupEnergy[head / groupSize] = energy(groupTotal, rows: rows, width: width, product: product)
                }
            } else {
                groupEnergy[head] = headEnergy[head]
            }
        }
        return HeadStatistics(tokens: rows, headEnergy: headEnergy, headSum: headSum, groupEnergy: groupEnergy,
                              streamEnergy: energy(stream, rows: rows, width: width, product: product))
    }

    /// `Σ x²`, accumulated per row in Float and across rows in Double (rows spread over threads).
    private static func energy(_ values: [Float], rows: Int, width: Int, product: DenseProduct) -> Double {
        var perRow = [Double](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { x in
            perRow.withUnsafeMutableBufferPointer { out in
                let out = out
                product.forEach(rows) { row in
                    var sum: Float = 0
                    for k in 0 ..< width { sum += x[row * width + k] * x[row * width + k] }
                    out[row] = Double(sum)
                }
            }
        }
        return perRow.reduce(0, +)
    }

    private static func columnSums(_ values: [Float], rows: Int, width: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: width)
        for row in 0 ..< rows {
            for k in 0 ..< width { sums[k] += Double(values[row * width + k]) }
        }
        return sums
    }
}
