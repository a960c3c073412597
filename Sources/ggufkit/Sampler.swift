import FileSupport
import Foundation

/// Picks the next token from logits: greedy when temperature is 0, otherwise
/// temperature, top-k and top-p (nucleus) sampling with a seeded generator.
struct Sampler {
    var temperature: Float
    var topK: Int
    var topP: Float
    private var generator: SeededGenerator

    init(temperature: Float, topK: Int, topP: Float, seed: UInt64) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        generator = SeededGenerator(seed: seed)
    }

    mutating func next(_ logits: [Float]) -> Int32 {
        if temperature <= 0 {
            var best = 0
            for i in logits.indices where logits[i] > logits[best] { best = i }
            return Int32(best)
        }
        var candidates = logits.indices.map { (index: $0, logit: logits[$0]) }
        candidates.sort { $0.logit > $1.logit }
        if topK > 0, candidates.count > topK { candidates.removeSubrange(topK...) }
        let maxLogit = candidates[0].logit
        var weights = candidates.map { Double(expf(($0.logit - maxLogit) / temperature)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        if topP < 1 {
            var cumulative = 0.0
            var keep = 0
            while keep < weights.count {
                cumulative += weights[keep]
                keep += 1
                if cumulative >= Double(topP) { break }
            }
            weights.removeSubrange(keep...)
            candidates.removeSubrange(keep...)
            let kept = weights.reduce(0, +)
            weights = weights.map { $0 / kept }
        }
        let draw = generator.nextUnit()
        var cumulative = 0.0
        for (i, weight) in weights.enumerated() {
            cumulative += weight
            if draw < cumulative { return Int32(candidates[i].index) }
        }
        return Int32(candidates[candidates.count - 1].index)
    }
}
