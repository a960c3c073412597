#version 450
// y = W·x with W in Q5_K: 176-byte super-blocks of 256 values: F16 d and dmin, 12 bytes packing eight 6-bit
// scales and mins (as Q4_K), 32 bytes of high bits qh, 128 bytes of nibbles. Each 64-value quarter j uses
// sub-blocks 2j (low nibbles of bytes 32j..32j+31, high bit 2j of qh[l]) and 2j+1 (their high nibbles,
// bit 2j+1); value d·scale·q − dmin·min.
#include "common.glsl"

// ggml's get_scale_min_k4: sub-blocks 0-3 keep 6 bits in bytes 0-7; 4-7 split 4 low bits (bytes 8-11)
// and 2 high bits (the top of bytes 0-7).
uvec2 scale_min(uint scales, uint j) {
    if (j < 4u) return uvec2(byte_at(scales + j) & 63u, byte_at(scales + j + 4u) & 63u);
    uint packed = byte_at(scales + j + 4u);
    return uvec2((packed & 15u) | ((byte_at(scales + j - 4u) >> 6) << 4),
                 (packed >> 4) | ((byte_at(scales + j) >> 6) << 4));
}

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * 176u;
    float sum = 0.0;
    // One quarter super-block per step keeps 64 invocations busy on rows of a few super-blocks.
    for (uint unit = unit_first; unit < blocks * 4u; unit += unit_step) {
        uint block = unit >> 2;
        uint quarter = unit & 3u;
        uint base = row_base + block * 176u;
        vec2 d = unpackHalf2x16(weights[base >> 2]);  // super-block bases are word-aligned: x = d, y = dmin
        uvec2 low_sm = scale_min(base + 4u, 2u * quarter);
        uvec2 high_sm = scale_min(base + 4u, 2u * quarter + 1u);
        uint quants = base + 48u + 32u * quarter;
        uint high_bits = base + 16u;
        uint input_base = token * shape.input_stride + block * 256u + 64u * quarter;
        float low = 0.0, high = 0.0, low_x = 0.0, high_x = 0.0;
        for (uint l = 0u; l < 32u; l++) {
            uint q = byte_at(quants + l);
            uint h = byte_at(high_bits + l) >> (2u * quarter);
            float xl = x[input_base + l];
            float xh = x[input_base + 32u + l];
            low += float((q & 15u) | ((h & 1u) << 4)) * xl;
            high += float((q >> 4) | ((h & 2u) << 3)) * xh;
            low_x += xl;
            high_x += xh;
        }
        sum += d.x * (float(low_sm.x) * low + float(high_sm.x) * high)
             - d.y * (float(low_sm.y) * low_x + float(high_sm.y) * high_x);
    }
    return sum;
}

// The exact mode's view of a block (gemm_k16.c): sub-block s as groups 2s and 2s + 1 of 16 five-bit values, each
// with scale d·scale_s and offset dmin·min_s.
uint block_bytes() { return 176u; }
uint group_value(uint base, uint group, uint i) {
    uint sub = group >> 1;
    uint l = 16u * (group & 1u) + i;
    uint nibble = (byte_at(base + 48u + 32u * (sub >> 1) + l) >> (4u * (sub & 1u))) & 15u;
    return nibble | (((byte_at(base + 16u + l) >> sub) & 1u) << 4);
}
float group_scale(uint base, uint group) {
    precise float scale = half_at(base) * float(scale_min(base + 4u, group >> 1).x);
    return scale;
}
float group_offset(uint base, uint group) {
    precise float offset = half_at(base + 2u) * float(scale_min(base + 4u, group >> 1).y);
    return offset;
}
#include "matmul_exact_k16.glsl"

#include "matmul_driver.glsl"
