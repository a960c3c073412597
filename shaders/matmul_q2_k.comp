#version 450
// y = W·x with W in Q2_K: 84-byte super-blocks of 256 values: 16 scale bytes (low nibble a 16-value group's
// scale, high nibble its min), 64 bytes of 2-bit values, F16 d and dmin. Value v = 128n + 32j + 16h + l
// (n, h in 0-1, j in 0-3, l < 16) is bits 2j of byte 32n + 16h + l, with group 8n + 2j + h:
// d·scale·q − dmin·min.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * 84u;
    float sum = 0.0;
    // One 16-value group per step.
    for (uint unit = unit_first; unit < blocks * 16u; unit += unit_step) {
        uint block = unit >> 4;
        uint group = unit & 15u;
        uint n = group >> 3, j = (group >> 1) & 3u, h = group & 1u;
        uint base = row_base + block * 84u;
        uint packed = byte_at(base + group);
        uint quants = base + 16u + 32u * n + 16u * h;
        uint input_base = token * shape.input_stride + block * 256u + 16u * group;
        float dot = 0.0, total = 0.0;
        for (uint l = 0u; l < 16u; l++) {
            float xv = x[input_base + l];
            dot += float((byte_at(quants + l) >> (2u * j)) & 3u) * xv;
            total += xv;
        }
        sum += half_at(base + 80u) * float(packed & 15u) * dot - half_at(base + 82u) * float(packed >> 4) * total;
    }
    return sum;
}

// The exact mode's view of a block (gemm_k16.c): two-bit values, scale d·scale, offset dmin·min.
uint block_bytes() { return 84u; }
uint group_value(uint base, uint group, uint i) {
    uint n = group >> 3, j = (group >> 1) & 3u, h = group & 1u;
    return (byte_at(base + 16u + 32u * n + 16u * h + i) >> (2u * j)) & 3u;
}
float group_scale(uint base, uint group) {
    precise float scale = half_at(base + 80u) * float(byte_at(base + group) & 15u);
    return scale;
}
float group_offset(uint base, uint group) {
    precise float offset = half_at(base + 82u) * float(byte_at(base + group) >> 4);
    return offset;
}
#include "matmul_exact_k16.glsl"

#include "matmul_driver.glsl"
