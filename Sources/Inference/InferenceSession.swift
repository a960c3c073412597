/// Incremental decoding: tokens are appended a few at a time and attend to everything
/// appended before, through a KV cache.
///
/// Not thread-safe on its own: use one session from one task at a time.
public final class InferenceSession {
    public let model: LlamaModel
    /// Most tokens the session can hold.
    public let capacity: Int
    /// Tokens appended so far (the position the next token takes).
    public private(set) var position = 0
    private var cache: KeyValueCache?

    init(model: LlamaModel, capacity: Int) {
        self.model = model
        self.capacity = capacity
    }

    /// Appends `tokens` and returns the logits of the last one (``LlamaModel/vocabSize`` floats).
    ///
    /// The KV cache is allocated on first use. On error the session is unchanged.
    public func append(tokens: [Int32]) throws -> [Float] {
        guard !tokens.isEmpty else { throw InferenceError.invalidArgument("append(tokens:) needs at least one token") }
        guard tokens.count <= capacity - position else {
            throw InferenceError.contextFull(position: position, adding: tokens.count, capacity: capacity)
        }
        if cache == nil {
            try model.pass.gpu?.checkCache(capacity: capacity)
            cache = try KeyValueCache(hyper: model.hyper, capacity: capacity)
        }
        let logits = try model.extend(tokens, at: position, cache: cache!)
        position += tokens.count
        return logits
    }

    /// Forgets tokens from `newPosition` on; the next append continues there.
    public func rewind(to newPosition: Int) throws {
        guard (0 ... position).contains(newPosition) else {
            throw InferenceError.invalidArgument("cannot rewind a session at \(position) to \(newPosition)")
        }
        position = newPosition
    }

    /// Forgets every token; the KV cache memory is kept for reuse.
    public func reset() {
        position = 0
    }
}
