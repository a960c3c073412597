import GGUF

/// The element type of llama.cpp's K and V cache (`--cache-type-k/-v`, Ollama's `OLLAMA_KV_CACHE_TYPE`).
public enum KVCacheType: String, Sendable, CaseIterable {
    case f16, q8_0, q4_0

    public var ggmlType: GGMLType {
        switch self {
        case .f16: .f16
        case .q8_0: .q8_0
        case .q4_0: .q4_0
        }
    }
}

/// The KV cache llama.cpp allocates for a context, computed as `llama_kv_cache` does: per layer a
/// K and a V tensor of `n_embd_k_gqa × cells` (and `n_embd_v_gqa × cells`) elements of the cache
/// type, `cells` being the context rounded up to a multiple of 256.
public struct KVCacheSize: Sendable, Equatable {
    /// llama.cpp rounds the context up to this (`GGML_PAD(n_ctx, 256)` in `llama_context`).
    public static let contextPadding = 256

    public var type: KVCacheType
    /// The context asked for.
    public var context: Int
    /// Cache cells: `context` rounded up to ``contextPadding``.
    public var cells: Int
    /// K and V bytes of one token, for each layer.
    public var keyBytesPerToken: [Int]
    public var valueBytesPerToken: [Int]

    public init(model: ModelMemory, context: Int, type: KVCacheType) {
        self.type = type
        self.context = context
        cells = Self.cells(forContext: context)
        keyBytesPerToken = model.keyWidths.map { Self.rowBytes(type, $0) }
        valueBytesPerToken = model.valueWidths.map { Self.rowBytes(type, $0) }
    }

    /// The cells llama.cpp allocates for a context.
    public static func cells(forContext context: Int) -> Int {
        (max(context, 1) + contextPadding - 1) / contextPadding * contextPadding
    }

    /// `ggml_row_size`: a width that is not a whole number of blocks cannot be cached in a block
    /// type (llama.cpp refuses it too), so it counts as the blocks it would need.
    static func rowBytes(_ type: KVCacheType, _ width: Int) -> Int {
        let blocks = (width + type.ggmlType.blockSize - 1) / type.ggmlType.blockSize
        return blocks * (type.ggmlType.rowByteCount(type.ggmlType.blockSize) ?? 0)
    }

    /// Bytes of one token over all layers.
    public var bytesPerToken: Int { keyBytesPerToken.reduce(0, +) + valueBytesPerToken.reduce(0, +) }
    public var keyBytes: Int { keyBytesPerToken.reduce(0, +) * cells }
    public var valueBytes: Int { valueBytesPerToken.reduce(0, +) * cells }
    public var totalBytes: Int { keyBytes + valueBytes }

    /// The cache of the layers in `range` (those offloaded to the GPU, for example).
    public func bytes(layers range: Range<Int>) -> Int {
        range.reduce(0) { $0 + (keyBytesPerToken[$1] + valueBytesPerToken[$1]) * cells }
    }

    /// Whether every layer's rows are whole blocks of the cache type.
    public func isValid(for model: ModelMemory) -> Bool {
        let block = type.ggmlType.blockSize
        return (model.keyWidths + model.valueWidths).allSatisfy { $0 % block == 0 }
    }
}
