import CDotKernels

/// Causal softmax attention of one query head over one sequence (``gk_attention_head``).
///
/// The arithmetic is fixed value by value (scores as one fused multiply-add chain per key, the CPU's e^x, sums in
/// sixteen fixed lanes, the weighted values as one chain per dimension), so every SIMD level and the GPU path's
/// attention shader give the same bits. Activations are rounded to 8-bit blocks before the next product, where a
/// difference in the last bit can flip a value by a whole step; matching bits is what lets the GPU path agree with
/// this one on perplexity.
struct AttentionHead {
    /// Query rows of the head, `queryStride` apart; row `i` sits at position `firstPosition + i`.
    var query: UnsafePointer<Float>
    var queryStride: Int
    var rows: Int
    var firstPosition: Int
    /// Key and value rows for positions `0 ..< firstPosition + rows`.
    var keys: UnsafePointer<Float>
    var keyStride: Int
    var values: UnsafePointer<Float>
    var valueStride: Int
    var keyLength: Int
    var valueLength: Int
    var scale: Float
    var output: UnsafeMutablePointer<Float>
    var outputStride: Int

    /// Floats of scratch one call needs when the longest sequence sees `keys` keys of `keyLength` values.
    static func scratchCount(keys: Int, keyLength: Int) -> Int {
        gk_attention_scratch_floats(Int32(keyLength), Int32(keys))
    }

    /// Runs the head at SIMD `level`; `scratch` holds ``scratchCount(keys:keyLength:)`` floats.
    func run(scratch: UnsafeMutablePointer<Float>, level: Int) {
        var shape = gk_attention_head_shape(
            rows: Int32(rows), first_position: Int32(firstPosition), key_length: Int32(keyLength),
            value_length: Int32(valueLength), scale: scale, query: query, query_stride: queryStride, keys: keys,
            key_stride: keyStride, values: values, value_stride: valueStride, output: output,
            output_stride: outputStride)
        gk_attention_head(&shape, scratch, Int32(level))
    }
}
