#version 450
// y = W·x with W in Q5_1: 24-byte blocks of F16 d and m, 4 bytes of high bits qh (bit j for element j) and
// 16 bytes; byte j holds the low 4 bits of element j (low nibble) and j + 16 (high nibble), value q·d + m.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 32u;
    uint row_base = row * blocks * 24u;
    float sum = 0.0;
    for (uint b = unit_first; b < blocks; b += unit_step) {
        uint base = row_base + b * 24u;  // blocks are word-aligned
        uint input_base = token * shape.input_stride + b * 32u;
        vec2 dm = unpackHalf2x16(weights[base >> 2]);
        uint qh = weights[(base >> 2) + 1u];
        float block_sum = 0.0, x_sum = 0.0;
        for (uint j = 0u; j < 16u; j++) {
            uint q = byte_at(base + 8u + j);
            float low = float((q & 15u) | (((qh >> j) & 1u) << 4));
            float high = float((q >> 4) | (((qh >> (j + 16u)) & 1u) << 4));
            float xl = x[input_base + j], xh = x[input_base + j + 16u];
            block_sum += low * xl + high * xh;
            x_sum += xl + xh;
        }
        sum += dm.x * block_sum + dm.y * x_sum;
    }
    return sum;
}

#define BLOCK_BYTES 24u
#define BLOCK_MIN
int block_isum(uint base, uint first) {
    uint qh = weights[(base + 4u) >> 2];  // blocks are word-aligned
    int isum = 0;
    for (uint j = 0u; j < 16u; j++) {
        uint q = byte_at(base + 8u + j);
        isum += int((q & 15u) | (((qh >> j) & 1u) << 4)) * xq[first + j]
              + int((q >> 4) | (((qh >> (j + 16u)) & 1u) << 4)) * xq[first + j + 16u];
    }
    return isum;
}

#include "matmul_exact32.glsl"

#include "matmul_driver.glsl"
