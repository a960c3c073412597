/// The kernels of a transformer block besides the matrix product: element-wise operations, RoPE, SwiGLU,
/// softmax, the key/value cache store, causal attention and the activation rounding of the CPU path.
/// Buffers hold F32 values unless said otherwise; offsets, strides and widths count values, not bytes.

/// How RoPE pairs the values of a head.
public enum GPURopeStyle: UInt32, Sendable {
    /// (2i, 2i + 1): llama.
    case adjacentPairs = 0
    /// (i, i + pairs): neox, qwen2.
    case halves = 1
}

/// How a key/value cache stores its values.
public enum GPUCacheType: Sendable {
    case f32
    case f16

    /// Bytes per value.
    public var byteCount: Int { self == .f32 ? 4 : 2 }
}

/// The rounding the CPU path applies to activations before a product with weights of some type (ggml's
/// "vec_dot_type").
public enum GPUActivationRounding: UInt32, Sendable {
    /// 32-value int8 blocks with an F16 scale (Q8_0 / Q8_1).
    case q8_1 = 0
    /// 256-value int8 blocks with an F32 scale (Q8_K).
    case q8_K = 1
    /// Each value to F16.
    case f16 = 2
    /// Each value to bfloat16.
    case bf16 = 3

    /// Values per block; rows are a whole number of blocks.
    public var blockSize: Int {
        switch self {
        case .q8_1: 32
        case .q8_K: 256
        case .f16, .bf16: 1
        }
    }
}

/// Activations rounded to 8-bit blocks as integers (one Int32 per value) and one F32 scale per block.
public struct GPUBlockActivations {
    public let integers: GPUBuffer
    public let scales: GPUBuffer

    public init(integers: GPUBuffer, scales: GPUBuffer) {
        self.integers = integers
        self.scales = scales
    }
}

/// The operand layout of ``GPUDevice/attention(query:keys:values:output:cache:shape:)``.
public struct GPUAttentionShape: Sendable {
    /// Query rows, one per token; token t is at position `firstPosition + t` and sees positions
    /// 0 ... firstPosition + t of the cache.
    public var tokens: Int
    public var heads: Int
    public var keyValueHeads: Int
    public var keyLength: Int
    public var valueLength: Int
    /// Values between tokens' query rows, and where head 0 starts in a row.
    public var queryStride: Int
    public var queryOffset: Int
    /// Values between positions in the key and value caches.
    public var keyStride: Int
    public var valueStride: Int
    public var firstPosition: Int
    /// Values between tokens' output rows (head h writes values h·valueLength ..< (h+1)·valueLength).
    public var outputStride: Int
    public var scale: Float
    /// Where position 0 (keys, values) and token 0 (output) start in their buffers.
    public var keyOffset = 0
    public var valueOffset = 0
    public var outputOffset = 0

    public init(tokens: Int, heads: Int, keyValueHeads: Int, keyLength: Int, valueLength: Int, queryStride: Int,
                queryOffset: Int, keyStride: Int, valueStride: Int, firstPosition: Int, outputStride: Int,
                scale: Float) {
        self.tokens = tokens
        self.heads = heads
        self.keyValueHeads = keyValueHeads
        self.keyLength = keyLength
        self.valueLength = valueLength
        self.queryStride = queryStride
        self.queryOffset = queryOffset
        self.keyStride = keyStride
        self.valueStride = valueStride
        self.firstPosition = firstPosition
        self.outputStride = outputStride
        self.scale = scale
    }
}

extension GPUDevice {
    /// The widest head the attention shader holds (its shared query and per-invocation accumulators).
    public static let attentionMaxHeadLength = 256

    /// `target[i] += operand[i]` for `count` values: the residual add.
    public func add(_ operand: GPUBuffer, to target: GPUBuffer, count: Int) throws {
        try binary(mode: 0, kernel: "add", target: target, operand: operand, operandCount: count, width: count,
                   rows: 1, stride: count, offset: 0)
    }

    /// Each of `rows` rows of `width` values (`stride` apart from `offset`) times `weight` elementwise: a
    /// norm's weight.
    public func multiplyRows(_ target: GPUBuffer, by weight: GPUBuffer, width: Int, rows: Int,
                             stride: Int? = nil, offset: Int = 0) throws {
        try binary(mode: 1, kernel: "multiply by row", target: target, operand: weight, operandCount: width,
                   width: width, rows: rows, stride: stride ?? width, offset: offset)
    }

    /// Adds `bias` to each of `rows` rows of `width` values (`stride` apart from `offset`).
    public func addRows(_ target: GPUBuffer, bias: GPUBuffer, width: Int, rows: Int, stride: Int? = nil,
                        offset: Int = 0) throws {
        try binary(mode: 2, kernel: "add bias", target: target, operand: bias, operandCount: width, width: width,
                   rows: rows, stride: stride ?? width, offset: offset)
    }

    private func binary(mode: UInt32, kernel: String, target: GPUBuffer, operand: GPUBuffer, operandCount: Int,
                        width: Int, rows: Int, stride: Int, offset: Int) throws {
        guard width > 0, rows > 0, stride >= width, offset >= 0 else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "shape \(rows)×\(width), stride \(stride), offset \(offset)")
        }
        let values = try product(rows, width, kernel: kernel)
        let (end, overflow) = (try product(rows - 1, stride, kernel: kernel) + offset).addingReportingOverflow(width)
        guard !overflow else { throw GPUError.invalidOperands(kernel: kernel, reason: "extent overflows") }
        try requireIndexable(values, end, kernel: kernel)
        try require(target, holds: end * 4, kernel: kernel)
        try require(operand, holds: (mode == 0 ? values : operandCount) * 4, kernel: kernel)
        try dispatch("binary", buffers: [target, operand],
                     constants: [mode, UInt32(width), UInt32(rows), UInt32(stride), UInt32(offset)],
                     groups: elementGroups(values))
    }

    /// SwiGLU in place on `rows` rows of `2 · inner` values (gate, then up): the gate half becomes
    /// silu(gate) · up.
    public func swiGLU(_ gateUp: GPUBuffer, inner: Int, rows: Int) throws {
        let kernel = "swiglu"
        guard inner > 0, rows > 0 else { throw GPUError.invalidOperands(kernel: kernel, reason: "empty shape") }
        let values = try product(try product(rows, inner, kernel: kernel), 2, kernel: kernel)
        try requireIndexable(values, kernel: kernel)
        try require(gateUp, holds: values * 4, kernel: kernel)
        try dispatch("swiglu", buffers: [gateUp], constants: [UInt32(inner), UInt32(rows)],
                     groups: elementGroups(values / 2))
    }

    /// RoPE in place with per-row tables (`pairs` cos and sin values per row): the first `2 · pairs` values
    /// of each of `heads` heads (`headStride` apart, from `offset` in rows `rowStride` apart) are rotated.
    public func rope(_ values: GPUBuffer, cos: GPUBuffer, sin: GPUBuffer, rows: Int, heads: Int, pairs: Int,
                     headStride: Int, rowStride: Int, offset: Int, style: GPURopeStyle) throws {
        let kernel = "rope"
        guard rows > 0, heads > 0, pairs > 0, headStride >= 2 * pairs, offset >= 0,
              rowStride >= offset + heads * headStride - (headStride - 2 * pairs)
        else { throw GPUError.invalidOperands(kernel: kernel, reason: "shape: \(rows) rows of \(heads) heads, \(pairs) pairs, head stride \(headStride), row stride \(rowStride), offset \(offset)") }
        let table = try product(rows, pairs, kernel: kernel)
        let extent = try product(rows, rowStride, kernel: kernel)
        try requireIndexable(extent, try product(table, heads, kernel: kernel), kernel: kernel)
        try require(values, holds: extent * 4, kernel: kernel)
        try require(cos, holds: table * 4, kernel: kernel)
        try require(sin, holds: table * 4, kernel: kernel)
        try dispatch("rope", buffers: [values, cos, sin],
                     constants: [UInt32(rows), UInt32(heads), UInt32(pairs), UInt32(headStride), UInt32(rowStride),
                                 UInt32(offset), style.rawValue],
                     groups: elementGroups(table * heads))
    }

    /// Softmax (or its logarithm) of each of `rows` rows of `width` values times `scale`.
    public func softmax(input: GPUBuffer, output: GPUBuffer, width: Int, rows: Int, scale: Float = 1,
                        logarithm: Bool = false) throws {
        let kernel = logarithm ? "log_softmax" : "softmax"
        guard width > 0, rows > 0 else { throw GPUError.invalidOperands(kernel: kernel, reason: "empty shape") }
        let values = try product(rows, width, kernel: kernel)
        try requireIndexable(values, kernel: kernel)
        try require(input, holds: values * 4, kernel: kernel)
        try require(output, holds: values * 4, kernel: kernel)
        try dispatch("softmax", buffers: [input, output],
                     constants: [UInt32(width), UInt32(rows), scale.bitPattern, logarithm ? 1 : 0],
                     groups: (min(rows, info.maxWorkgroupsX), 1, 1))
    }

    /// Stores `rows` rows of `width` values of `source` (`sourceStride` apart, from `sourceOffset`) at rows
    /// `firstRow ...` of `cache` (rows `cacheStride` values apart, in `type`).
    public func storeRows(_ source: GPUBuffer, rows: Int, width: Int, sourceStride: Int, sourceOffset: Int,
                          into cache: GPUBuffer, type: GPUCacheType, cacheStride: Int, firstRow: Int) throws {
        let kernel = "cache store"
        guard rows > 0, width > 0, sourceStride >= width, cacheStride >= width, sourceOffset >= 0, firstRow >= 0 else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "shape \(rows)×\(width)")
        }
        if type == .f16, width % 2 != 0 || cacheStride % 2 != 0 {
            throw GPUError.invalidOperands(kernel: kernel, reason: "an F16 cache needs even widths (\(width), \(cacheStride))")
        }
        let sourceEnd = try product(rows - 1, sourceStride, kernel: kernel) + sourceOffset + width
        let cacheEnd = try product(firstRow + rows, cacheStride, kernel: kernel)
        try requireIndexable(sourceEnd, cacheEnd, kernel: kernel)
        try require(source, holds: sourceEnd * 4, kernel: kernel)
        try require(cache, holds: cacheEnd * type.byteCount, kernel: kernel)
        try dispatch(type == .f32 ? "copy_rows_f32" : "copy_rows_f16", buffers: [source, cache],
                     constants: [UInt32(rows), UInt32(width), UInt32(sourceStride), UInt32(sourceOffset),
                                 UInt32(cacheStride), UInt32(firstRow)],
                     groups: elementGroups(type == .f32 ? rows * width : rows * width / 2))
    }

    /// Causal grouped-query attention of `shape.tokens` query rows over a key/value cache holding positions
    /// 0 ..< firstPosition + tokens, streamed with an online softmax (no buffer of scores).
    public func attention(query: GPUBuffer, keys: GPUBuffer, values: GPUBuffer, output: GPUBuffer,
                          cache: GPUCacheType, shape: GPUAttentionShape) throws {
        let kernel = "attention"
        let s = shape
        guard s.tokens > 0, s.heads > 0, s.keyValueHeads > 0, s.heads % s.keyValueHeads == 0,
              s.keyLength > 0, s.valueLength > 0, s.firstPosition >= 0, s.queryOffset >= 0
        else { throw GPUError.invalidOperands(kernel: kernel, reason: "shape \(s)") }
        guard s.keyLength <= Self.attentionMaxHeadLength, s.valueLength <= Self.attentionMaxHeadLength else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "heads of \(s.keyLength)/\(s.valueLength) values; the shader holds \(Self.attentionMaxHeadLength)")
        }
        guard s.queryStride >= s.heads * s.keyLength, s.keyStride >= s.keyValueHeads * s.keyLength,
              s.valueStride >= s.keyValueHeads * s.valueLength, s.outputStride >= s.heads * s.valueLength
        else { throw GPUError.invalidOperands(kernel: kernel, reason: "strides too small for the heads: \(s)") }
        let positions = s.firstPosition + s.tokens
        // Each extent ends at the last row's last value read or written.
        let queryEnd = try product(s.tokens - 1, s.queryStride, kernel: kernel) + s.queryOffset + s.heads * s.keyLength
        guard s.keyOffset >= 0, s.valueOffset >= 0, s.outputOffset >= 0 else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "negative offset: \(s)")
        }
        let keyEnd = try product(positions - 1, s.keyStride, kernel: kernel) + s.keyOffset + s.keyValueHeads * s.keyLength
        let valueEnd = try product(positions - 1, s.valueStride, kernel: kernel) + s.valueOffset
            + s.keyValueHeads * s.valueLength
        let outputEnd = try product(s.tokens - 1, s.outputStride, kernel: kernel) + s.outputOffset + s.heads * s.valueLength
        try requireIndexable(queryEnd, keyEnd, valueEnd, outputEnd, kernel: kernel)
        try require(query, holds: queryEnd * 4, kernel: kernel)
        try require(keys, holds: keyEnd * cache.byteCount, kernel: kernel)
        try require(values, holds: valueEnd * cache.byteCount, kernel: kernel)
        try require(output, holds: outputEnd * 4, kernel: kernel)
        try requireWorkgroups(s.tokens, kernel: kernel)
        guard s.heads <= info.maxWorkgroupsX else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "\(s.heads) heads exceed the device's workgroups in x")
        }
        try dispatch(cache == .f32 ? "attention_f32" : "attention_f16", buffers: [query, keys, values, output],
                     constants: [UInt32(s.tokens), UInt32(s.heads), UInt32(s.heads / s.keyValueHeads),
                                 UInt32(s.keyLength), UInt32(s.valueLength), UInt32(s.queryStride),
                                 UInt32(s.queryOffset), UInt32(s.keyStride), UInt32(s.valueStride),
                                 UInt32(s.firstPosition), UInt32(s.outputStride), s.scale.bitPattern,
                                 UInt32(s.keyOffset), UInt32(s.valueOffset), UInt32(s.outputOffset)],
                     groups: (s.heads, s.tokens, 1))
    }

    /// Copies `rows` rows of `width` values (`sourceStride` apart) from `source` into `output`, contiguous and
    /// rounded as the CPU path rounds activations for `rounding` (then back to F32); `width` is a whole
    /// number of blocks. For the 8-bit roundings, `blocks` (when given) receives each value's integer and each
    /// block's scale: the input of ``matrixProduct(weights:type:rows:columns:input:inputStride:tokens:output:outputStride:outputOffset:perInvocation:exact:)``'s exact mode.
    public func roundActivations(_ source: GPUBuffer, rows: Int, width: Int, sourceStride: Int? = nil,
                                 into output: GPUBuffer, rounding: GPUActivationRounding,
                                 blocks: GPUBlockActivations? = nil) throws {
        let kernel = "activation rounding"
        let sourceStride = sourceStride ?? width
        guard rows > 0, width > 0, width % rounding.blockSize == 0, sourceStride >= width else {
            throw GPUError.invalidOperands(kernel: kernel, reason: "\(rows) rows of \(width) values (stride \(sourceStride)) are not whole blocks of \(rounding.blockSize)")
        }
        let count = try product(rows, width, kernel: kernel)
        let sourceEnd = try product(rows - 1, sourceStride, kernel: kernel) + width
        try requireIndexable(count, sourceEnd, kernel: kernel)
        try require(source, holds: sourceEnd * 4, kernel: kernel)
        try require(output, holds: count * 4, kernel: kernel)
        if let blocks {
            try require(blocks.integers, holds: count * 4, kernel: kernel)
            try require(blocks.scales, holds: count / rounding.blockSize * 4, kernel: kernel)
        }
        // Without `blocks` the output stands in for the two extra bindings, which the shader then leaves alone.
        let integers = blocks?.integers ?? output, scales = blocks?.scales ?? output
        try dispatch("round_activations", buffers: [source, output, integers, scales],
                     constants: [rounding.rawValue, UInt32(rows), UInt32(width), UInt32(sourceStride), blocks == nil ? 0 : 1],
                     groups: elementGroups(count / rounding.blockSize))
    }
}
