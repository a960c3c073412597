#version 450
// Rounds activation rows in place to the encoding the CPU path's dot kernels read for a weight type, then
// back to F32, as the CPU path does before a product: mode 0 is ggml's Q8_1/Q8_0 (32-value blocks,
// d = amax/127 stored as F16, q = round-half-even(x·127/amax)), mode 1 is Q8_K (256-value blocks,
// d = 1/(−127/x_extreme) in F32, q = min(127, round-half-even(x·(−127/x_extreme)))), mode 2 is F16
// (round to nearest even), mode 3 is bfloat16 (ggml's: nearest even on the bits, NaN kept quiet). Reads `rows` rows of `width` values `src_stride` apart from `src`, writes them
// rounded and contiguous to `v`; `width` is a whole number of blocks. One invocation per block.
#include "elementwise.glsl"

layout(std430, binding = 0) readonly buffer Source { float src[]; };
layout(std430, binding = 1) buffer Values { float v[]; };
// With write_blocks, modes 0 and 1 also write each value's integer and each block's scale, which the matrix
// products' exact mode reads.
layout(std430, binding = 2) writeonly buffer Integers { int integers[]; };
layout(std430, binding = 3) writeonly buffer Scales { float scales[]; };

layout(push_constant) uniform Shape {
    uint mode;
    uint rows;
    uint width;
    uint src_stride;
    uint write_blocks;  // 1: modes 0 and 1 also write `integers` and `scales`
} shape;

// F32 → F16 → F32 with round-to-nearest-even done on the bits, so no driver's conversion mode matters.
float round_to_half(float value) {
    uint bits = floatBitsToUint(value);
    uint sign = bits & 0x80000000u;
    uint magnitude = bits & 0x7FFFFFFFu;
    if (magnitude >= 0x7F800000u) return value;  // inf, NaN
    int exponent = int(magnitude >> 23) - 127;
    if (exponent > 15) return uintBitsToFloat(sign | 0x7F800000u);  // overflows to inf (after rounding below too)
    uint kept, shift;
    if (exponent >= -14) {
        shift = 13u;  // normal half: 10 of 23 mantissa bits kept
    } else {
        if (exponent < -25) return uintBitsToFloat(sign);  // below half of the smallest subnormal
        shift = uint(13 + (-14 - exponent));
    }
    // Round the magnitude (with its implicit bit for subnormal halves) at bit `shift`.
    uint mantissa = exponent >= -14 ? magnitude : ((magnitude & 0x007FFFFFu) | 0x00800000u);
    uint half_ulp = 1u << (shift - 1u);
    uint remainder = mantissa & ((1u << shift) - 1u);
    kept = mantissa >> shift;
    if (remainder > half_ulp || (remainder == half_ulp && (kept & 1u) != 0u)) kept += 1u;
    float result;
    if (exponent >= -14) {
        result = uintBitsToFloat(kept << shift);  // a carry into the exponent is the correct rounding
        if (result > 65504.0) return uintBitsToFloat(sign | 0x7F800000u);
    } else {
        result = float(kept) * exp2(-24.0);  // subnormal halves count units of 2^−24
    }
    return sign != 0u ? -result : result;
}

void main() {
    uint block_size = shape.mode == 0u ? 32u : (shape.mode == 1u ? 256u : 1u);
    uint row_blocks = shape.width / block_size;
    FOR_EACH_ELEMENT(b, shape.rows * row_blocks) {
        uint base = b * block_size;
        uint row = b / row_blocks;
        uint source = row * shape.src_stride + (b - row * row_blocks) * block_size;
        for (uint j = 0u; j < block_size; j++) v[base + j] = src[source + j];
        if (shape.mode == 2u) {
            v[base] = round_to_half(v[base]);
        } else if (shape.mode == 3u) {
            uint bits = floatBitsToUint(v[base]);
            bits = (bits & 0x7FFFFFFFu) > 0x7F800000u ? ((bits >> 16) | 64u) << 16
                                                      : ((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16) << 16;
            v[base] = uintBitsToFloat(bits);
        } else if (shape.mode == 0u) {
            float amax = 0.0;
            for (uint j = 0u; j < 32u; j++) amax = max(amax, abs(v[base + j]));
            precise float quotient = amax / 127.0;
            float d = round_to_half(quotient);
            precise float id = amax != 0.0 ? 127.0 / amax : 0.0;
            if (shape.write_blocks != 0u) scales[b] = d;
            for (uint j = 0u; j < 32u; j++) {
                // The CPU multiplies by an integer, so a zero is +0 (d ≥ 0); the compiler may drop an int round trip.
                int q = int(roundEven(v[base + j] * id));
                if (shape.write_blocks != 0u) integers[base + j] = q;
                v[base + j] = q == 0 ? 0.0 : d * float(q);
            }
        } else {
            float amax = 0.0, extreme = 0.0;
            for (uint j = 0u; j < 256u; j++) {
                float a = abs(v[base + j]);
                if (a > amax) { amax = a; extreme = v[base + j]; }
            }
            if (amax == 0.0) {
                for (uint j = 0u; j < 256u; j++) {
                    v[base + j] = 0.0;
                    if (shape.write_blocks != 0u) integers[base + j] = 0;
                }
                if (shape.write_blocks != 0u) scales[b] = 0.0;
            } else {
                precise float iscale = -127.0 / extreme;
                precise float d = 1.0 / iscale;
                for (uint j = 0u; j < 256u; j++) {
                    int q = min(127, int(roundEven(iscale * v[base + j])));
                    if (shape.write_blocks != 0u) integers[base + j] = q;
                    v[base + j] = d * float(q);
                }
                if (shape.write_blocks != 0u) scales[b] = d;
            }
        }
    }
}
