import Foundation

/// Tokens of one or more sequences pushed through the layers together, row after row.
struct TokenBatch {
    /// A run of consecutive rows that belong to one sequence.
    struct Segment {
        /// Index of the sequence in the caller's request.
        let sequence: Int
        let firstRow: Int
        let count: Int
        /// Position of the segment's first token in its sequence (0 unless a KV cache holds earlier tokens).
        let firstPosition: Int
    }

    private(set) var tokens: [Int32] = []
    private(set) var segments: [Segment] = []
    /// The position of every row.
    private(set) var positions: [Int] = []

    var rowCount: Int { tokens.count }

    mutating func append(sequence: Int, tokens newTokens: [Int32], firstPosition: Int) {
        guard !newTokens.isEmpty else { return }
        segments.append(Segment(sequence: sequence, firstRow: tokens.count, count: newTokens.count,
                                firstPosition: firstPosition))
        tokens.append(contentsOf: newTokens)
        positions.append(contentsOf: firstPosition ..< firstPosition + newTokens.count)
    }
}

/// Keys and values kept across calls for incremental decoding, one matrix per layer.
final class KeyValueCache {
    let capacity: Int
    private(set) var keys: [UnsafeMutablePointer<Float>] = []
    private(set) var values: [UnsafeMutablePointer<Float>] = []
    let keyWidths: [Int]
    let valueWidths: [Int]

    init(hyper: ModelHyperParameters, capacity: Int) throws(InferenceError) {
        self.capacity = capacity
        keyWidths = (0 ..< hyper.layerCount).map { hyper.keyWidth(layer: $0) }
        valueWidths = (0 ..< hyper.layerCount).map { hyper.valueWidth(layer: $0) }
        for layer in 0 ..< hyper.layerCount {
            let keyCount = try Workspace.product(capacity, keyWidths[layer], what: "KV cache")
            let valueCount = try Workspace.product(capacity, valueWidths[layer], what: "KV cache")
            keys.append(try Workspace.allocate(keyCount, what: "KV cache keys"))
            values.append(try Workspace.allocate(valueCount, what: "KV cache values"))
        }
    }

    deinit {
        for pointer in keys { free(pointer) }
        for pointer in values { free(pointer) }
    }
}
