#version 450
// y = W·x with W in Q4_1: 20-byte blocks of F16 d and m and 16 bytes; byte j holds element j in its low
// nibble and element j + 16 in its high nibble, value q·d + m.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 32u;
    uint row_base = row * blocks * 20u;
    float sum = 0.0;
    for (uint b = unit_first; b < blocks; b += unit_step) {
        uint base = row_base + b * 20u;  // blocks are word-aligned
        uint input_base = token * shape.input_stride + b * 32u;
        vec2 dm = unpackHalf2x16(weights[base >> 2]);
        float block_sum = 0.0, x_sum = 0.0;
        for (uint j = 0u; j < 16u; j++) {
            uint q = byte_at(base + 4u + j);
            float xl = x[input_base + j], xh = x[input_base + j + 16u];
            block_sum += float(q & 15u) * xl + float(q >> 4) * xh;
            x_sum += xl + xh;
        }
        sum += dm.x * block_sum + dm.y * x_sum;
    }
    return sum;
}

#define BLOCK_BYTES 20u
#define BLOCK_MIN
int block_isum(uint base, uint first) {
    int isum = 0;
    for (uint j = 0u; j < 16u; j++) {
        uint q = byte_at(base + 4u + j);
        isum += int(q & 15u) * xq[first + j] + int(q >> 4) * xq[first + j + 16u];
    }
    return isum;
}

#include "matmul_exact32.glsl"

#include "matmul_driver.glsl"
