import Evaluation
import Foundation
import Testing
import TestSupport

/// A model whose logits depend only on the previous token, so every number can be computed by hand.
final class BigramModel: LanguageModel {
    let vocabSize: Int
    let table: [[Float]]
    var calls: [[[Int32]]] = []

    init(vocabSize: Int, seed: UInt64) {
        self.vocabSize = vocabSize
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 6 - 3
        }
        table = (0 ..< vocabSize).map { _ in (0 ..< vocabSize).map { _ in next() } }
    }

    func evaluate(sequences: [[Int32]], outputPositions: Range<Int>,
                  consumer: (Int, Int, UnsafeBufferPointer<Float>) -> Void) throws {
        calls.append(sequences)
        for (s, sequence) in sequences.enumerated() {
            for position in outputPositions {
                table[Int(sequence[position])].withUnsafeBufferPointer { consumer(s, position, $0) }
            }
        }
    }

    func logProb(_ next: Int, after previous: Int) -> Double {
        let row = table[previous].map(Double.init)
        let m = row.max()!
        return row[next] - m - log(row.map { exp($0 - m) }.reduce(0, +))
    }
}

@Suite("Perplexity protocol")
struct PerplexityRunnerTests {
    let tokens: [Int32] = (0 ..< 100).map { Int32(($0 * 7 + 3) % 11) }

    @Test("scores the second half of each chunk and matches a hand computation")
    func matchesHandComputation() throws {
        let model = BigramModel(vocabSize: 11, seed: 1)
        var runner = PerplexityRunner(contextLength: 16)
        runner.sequencesPerBatch = 3
        let result = try runner.run(model: model, tokens: tokens, modelPath: "m", textPath: "t")
        #expect(result.chunks == 6)
        #expect(result.scoredTokens == 6 * 7)
        var nll = 0.0
        for chunk in 0 ..< 6 {
            for position in 8 ..< 15 {
                let prev = Int(tokens[chunk * 16 + position]), next = Int(tokens[chunk * 16 + position + 1])
                nll -= model.logProb(next, after: prev)
            }
        }
        // Logits are F32 (as in llama.cpp), so agreement is to float precision.
        #expect(abs(result.perplexity - exp(nll / 42)) < 1e-6 * result.perplexity)
        #expect(result.runningPerplexity.count == 6)
        #expect(model.calls.map(\.count) == [3, 3])
    }

    @Test("replaces each chunk's first token with BOS when the model adds one")
    func bosReplacement() throws {
        let model = BigramModel(vocabSize: 11, seed: 2)
        var runner = PerplexityRunner(contextLength: 16, maxChunks: 2, bosToken: 10)
        runner.sequencesPerBatch = 4
        _ = try runner.run(model: model, tokens: tokens, modelPath: "m", textPath: "t")
        let sequences = try #require(model.calls.first)
        #expect(sequences.count == 2)
        #expect(sequences.allSatisfy { $0[0] == 10 })
        #expect(Array(sequences[1][1...]) == Array(tokens[17 ..< 32]))
    }

    @Test("rejects a text shorter than two contexts")
    func tooShort() {
        let runner = PerplexityRunner(contextLength: 64)
        #expect(throws: EvaluationError.textTooShort(path: "t", tokens: 100, needed: 128)) {
            try runner.run(model: BigramModel(vocabSize: 11, seed: 3), tokens: tokens, modelPath: "m", textPath: "t")
        }
    }

    @Test("standard error follows llama-perplexity's formula")
    func standardError() {
        var acc = NLLAccumulator()
        for v in [1.0, 2.0, 3.0, 4.0] { acc.add(v) }
        let mean = 2.5, variance = (1 + 4 + 9 + 16) / 4.0 - mean * mean
        #expect(abs(acc.perplexity - exp(mean)) < 1e-12)
        #expect(abs(acc.perplexityError - sqrt(variance / 3) * exp(mean)) < 1e-12)
    }
}

@Suite("Comparing candidates with a cached original")
struct ModelComparisonTests {
    let tokens: [Int32] = (0 ..< 200).map { Int32(($0 * 5 + 1) % 13) }

    @Test("the original against itself: KL 0, full agreement, same perplexity")
    func selfComparison() throws {
        let comparison = ModelComparison(runner: PerplexityRunner(contextLength: 32))
        let scratch = try TemporaryDirectory()
        let path = scratch.file("klp.bin")
        let model = BigramModel(vocabSize: 13, seed: 5)
        let header = try comparison.scoreBase(model: model, tokens: tokens, modelPath: "base", textPath: "t", cachePath: path)
        let reader = try LogProbCacheReader(path: path)
        #expect(reader.header == header)
        let report = try comparison.scoreCandidate(model: model, tokens: tokens, modelPath: "same", textPath: "t",
                                                   base: reader, fileBytes: 1, bitsPerWeight: nil)
        #expect(report.meanKLDivergence < 1e-3) // half-precision storage of the base
        #expect(report.topTokenAgreement == 1)
        #expect(abs(report.deltaPerplexity) < 1e-12)
    }

    @Test("a different model has positive KL matching a direct computation")
    func differentModel() throws {
        let comparison = ModelComparison(runner: PerplexityRunner(contextLength: 32))
        let scratch = try TemporaryDirectory()
        let path = scratch.file("klp.bin")
        let base = BigramModel(vocabSize: 13, seed: 5), other = BigramModel(vocabSize: 13, seed: 6)
        _ = try comparison.scoreBase(model: base, tokens: tokens, modelPath: "base", textPath: "t", cachePath: path)
        let report = try comparison.scoreCandidate(model: other, tokens: tokens, modelPath: "other", textPath: "t",
                                                   base: LogProbCacheReader(path: path), fileBytes: 1, bitsPerWeight: 4.5)
        var total = 0.0, count = 0
        for chunk in 0 ..< 6 {
            for position in 16 ..< 31 {
                let prev = Int(tokens[chunk * 32 + position])
                for v in 0 ..< 13 {
                    let p = base.logProb(v, after: prev), q = other.logProb(v, after: prev)
                    total += exp(p) * (p - q)
                }
                count += 1
            }
        }
        #expect(abs(report.meanKLDivergence - total / Double(count)) < 2e-3 * max(1, total / Double(count)))
        #expect(report.topTokenAgreement < 1)
        #expect(report.klDivergenceP99 >= report.meanKLDivergence)
    }

    @Test("per-class figures split the positions by target token and add up to the totals")
    func byClass() throws {
        let comparison = ModelComparison(runner: PerplexityRunner(contextLength: 32))
        let scratch = try TemporaryDirectory()
        let path = scratch.file("klp.bin")
        let base = BigramModel(vocabSize: 13, seed: 5), other = BigramModel(vocabSize: 13, seed: 6)
        _ = try comparison.scoreBase(model: base, tokens: tokens, modelPath: "base", textPath: "t", cachePath: path)
        let tokens = tokens
        let classes = TokenClassifier(names: ["even", "odd", "unused"]) { Int(tokens[$0] % 2) }
        let report = try comparison.scoreCandidate(model: other, tokens: tokens, modelPath: "other", textPath: "t",
                                                   base: LogProbCacheReader(path: path), fileBytes: 1, bitsPerWeight: nil,
                                                   classes: classes)
        let byClass = try #require(report.byClass)
        #expect(byClass.map(\.name) == ["even", "odd", "unused"])
        var counts = [0, 0], change = [0.0, 0.0]
        for chunk in 0 ..< 6 {
            for position in 16 ..< 31 {
                let prev = Int(tokens[chunk * 32 + position]), next = Int(tokens[chunk * 32 + position + 1])
                counts[next % 2] += 1
                change[next % 2] += other.logProb(next, after: prev) - base.logProb(next, after: prev)
            }
        }
        #expect(byClass.map(\.tokens) == counts + [0])
        for index in 0 ..< 2 {
            #expect(abs(byClass[index].meanLogProbChange - change[index] / Double(counts[index])) < 1e-5)
        }
        let total = Double(counts[0] + counts[1])
        let weightedKL = (byClass[0].meanKLDivergence * Double(counts[0]) + byClass[1].meanKLDivergence * Double(counts[1])) / total
        #expect(abs(weightedKL - report.meanKLDivergence) < 1e-9)
        let weightedTop1 = (byClass[0].topTokenAgreement * Double(counts[0]) + byClass[1].topTokenAgreement * Double(counts[1])) / total
        #expect(abs(weightedTop1 - report.topTokenAgreement) < 1e-12)
        #expect(byClass[2].meanKLDivergence == 0 && byClass[2].topTokenAgreement == 0)
    }

    @Test("a candidate that tokenizes differently is refused")
    func tokenMismatch() throws {
        let comparison = ModelComparison(runner: PerplexityRunner(contextLength: 32))
        let scratch = try TemporaryDirectory()
        let path = scratch.file("klp.bin")
        let model = BigramModel(vocabSize: 13, seed: 5)
        _ = try comparison.scoreBase(model: model, tokens: tokens, modelPath: "base", textPath: "t", cachePath: path)
        var other = tokens
        other[40] = (other[40] + 1) % 13
        #expect(throws: EvaluationError.tokenizationMismatch(candidatePath: "x")) {
            try comparison.scoreCandidate(model: model, tokens: other, modelPath: "x", textPath: "t",
                                          base: LogProbCacheReader(path: path), fileBytes: 1, bitsPerWeight: nil)
        }
    }

    @Test("a truncated or corrupt cache is a clear error")
    func corruptCache() throws {
        let comparison = ModelComparison(runner: PerplexityRunner(contextLength: 32))
        let scratch = try TemporaryDirectory()
        let path = scratch.file("klp.bin")
        _ = try comparison.scoreBase(model: BigramModel(vocabSize: 13, seed: 5), tokens: tokens, modelPath: "b",
                                     textPath: "t", cachePath: path)
        var bytes = try readBytes(path)
        try writeBytes(Array(bytes.prefix(bytes.count - 10)), to: path)
        #expect(throws: EvaluationError.self) { try LogProbCacheReader(path: path) }
        bytes[0] = 0
        try writeBytes(bytes, to: path)
        #expect(throws: EvaluationError.invalidCache(path: path, reason: "bad magic")) { try LogProbCacheReader(path: path) }
    }
}
