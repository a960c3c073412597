/// What evaluation needs from a model: batched logits for chosen positions.
///
/// `Inference.LlamaModel` conforms; tests use small fakes.
public protocol LanguageModel: AnyObject {
    var vocabSize: Int { get }

    /// Runs independent sequences (each from position 0) and reports the logits of positions
    /// `outputPositions` of every sequence.
    func evaluate(sequences: [[Int32]], outputPositions: Range<Int>,
                  consumer: (_ sequence: Int, _ position: Int, _ logits: UnsafeBufferPointer<Float>) -> Void) throws
}

/// Log-softmax helpers shared by perplexity and KL divergence.
public enum LogSoftmax {
    /// The log-probability of `token` under `logits`, computed as llama-perplexity does
    /// (max in F32, sum of exponentials in F64).
    public static func logProbability(of token: Int, logits: UnsafeBufferPointer<Float>) -> Double {
        let (maxLogit, logSum) = normalizer(logits)
        return Double(logits[token] - maxLogit) - logSum
    }

    /// (max logit, log Σ exp(logit − max)).
    public static func normalizer(_ logits: UnsafeBufferPointer<Float>) -> (Float, Double) {
        var maxLogit = -Float.infinity
        for value in logits where value > maxLogit { maxLogit = value }
        var sum = 0.0
        for value in logits { sum += Double(expf(value - maxLogit)) }
        return (maxLogit, log(sum))
    }

    /// Writes every log-probability into `output`.
    public static func logProbabilities(_ logits: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        let (maxLogit, logSum) = normalizer(logits)
        let shift = Float(logSum)
        for i in logits.indices { output[i] = logits[i] - maxLogit - shift }
    }

    /// Index of the largest value (first one on ties).
    public static func argmax(_ values: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for i in values.indices where values[i] > bestValue {
            bestValue = values[i]
            best = i
        }
        return best
    }
}

import Foundation
