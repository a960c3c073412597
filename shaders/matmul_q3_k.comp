#version 450
// y = W·x with W in Q3_K: 110-byte super-blocks of 256 values: hmask[32], qs[64] (2-bit low parts), 12 bytes
// packing sixteen 6-bit scales, F16 d. Value v = 128n + 32j + 16h + l (n, h in 0-1, j in 0-3, l < 16) has low
// bits 2j of qs[32n + 16h + l] and, when bit 4n + j of hmask[16h + l] is clear, 4 subtracted; its group
// 8n + 2j + h has scale s − 32: d·(s − 32)·q.
#include "common.glsl"

// ggml's unpacking: scale g keeps its low 4 bits in byte g (g < 8) or the high nibble of byte g − 8, and its
// high 2 bits in byte 8 + g % 4 at bit 2·(g / 4).
int scale_of(uint scales, uint g) {
    uint low = g < 8u ? (byte_at(scales + g) & 15u) : (byte_at(scales + g - 8u) >> 4);
    uint high = (byte_at(scales + 8u + (g & 3u)) >> (2u * (g >> 2))) & 3u;
    return int(low | (high << 4)) - 32;
}

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * 110u;
    float sum = 0.0;
    // One 16-value group per step.
    for (uint unit = unit_first; unit < blocks * 16u; unit += unit_step) {
        uint block = unit >> 4;
        uint group = unit & 15u;
        uint n = group >> 3, j = (group >> 1) & 3u, h = group & 1u;
        uint base = row_base + block * 110u;
        uint quants = base + 32u + 32u * n + 16u * h;
        uint mask = base + 16u * h;
        uint bit = 4u * n + j;
        uint input_base = token * shape.input_stride + block * 256u + 16u * group;
        float dot = 0.0;
        for (uint l = 0u; l < 16u; l++) {
            int q = int((byte_at(quants + l) >> (2u * j)) & 3u) - (((byte_at(mask + l) >> bit) & 1u) != 0u ? 0 : 4);
            dot += float(q) * x[input_base + l];
        }
        sum += half_at(base + 108u) * float(scale_of(base + 96u, group)) * dot;
    }
    return sum;
}

// The exact mode's view of a block (gemm_k16.c): values + 4 (0-7), scale d·(s − 32), offset 4·d·(s − 32).
uint block_bytes() { return 110u; }
uint group_value(uint base, uint group, uint i) {
    uint n = group >> 3, j = (group >> 1) & 3u, h = group & 1u;
    uint low = (byte_at(base + 32u + 32u * n + 16u * h + i) >> (2u * j)) & 3u;
    return low + 4u * ((byte_at(base + 16u * h + i) >> (4u * n + j)) & 1u);
}
float group_scale(uint base, uint group) {
    precise float scale = half_at(base + 108u) * float(scale_of(base + 96u, group));
    return scale;
}
float group_offset(uint base, uint group) {
    precise float offset = 4.0 * half_at(base + 108u);
    offset = offset * float(scale_of(base + 96u, group));
    return offset;
}
#include "matmul_exact_k16.glsl"

#include "matmul_driver.glsl"
