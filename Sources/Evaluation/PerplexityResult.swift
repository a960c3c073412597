/// Running negative log-likelihood totals, combined the way llama-perplexity reports them.
public struct NLLAccumulator: Sendable, Equatable {
    public private(set) var sum = 0.0
    public private(set) var sumOfSquares = 0.0
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ nll: Double) {
        sum += nll
        sumOfSquares += nll * nll
        count += 1
    }

    /// exp(mean NLL).
    public var perplexity: Double { count > 0 ? (sum / Double(count)).exponential : .nan }

    /// Standard error of the perplexity: the standard error of the mean NLL scaled by the PPL.
    public var perplexityError: Double {
        guard count > 1 else { return .nan }
        let mean = sum / Double(count)
        let variance = sumOfSquares / Double(count) - mean * mean
        guard variance > 0 else { return 0 }
        return (variance / Double(count - 1)).squareRoot() * perplexity
    }
}

extension Double {
    var exponential: Double { Foundation.exp(self) }
}

import Foundation

/// The outcome of scoring one model on one text.
public struct PerplexityResult: Sendable {
    public var modelPath: String
    public var contextLength: Int
    public var chunks: Int
    public var scoredTokens: Int
    public var perplexity: Double
    public var perplexityError: Double
    /// Running perplexity after each chunk (what llama-perplexity prints as `[i]value`).
    public var runningPerplexity: [Double]
    public var seconds: Double
    /// Tokens evaluated (all positions of every chunk) per second of model time.
    public var tokensPerSecond: Double
}
