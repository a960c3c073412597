#version 450
// y = W·x with W in Q8_0: 34-byte blocks of an F16 scale d and 32 signed bytes q, value q·d.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 32u;
    uint row_base = row * blocks * 34u;
    float sum = 0.0;
    for (uint b = unit_first; b < blocks; b += unit_step) {
        uint base = row_base + b * 34u;
        uint input_base = token * shape.input_stride + b * 32u;
        float block_sum = 0.0;
        for (uint j = 0u; j < 32u; j++) {
            block_sum += float(signed_byte_at(base + 2u + j)) * x[input_base + j];
        }
        sum += half_at(base) * block_sum;
    }
    return sum;
}

#define BLOCK_BYTES 34u
int block_isum(uint base, uint first) {
    int isum = 0;
    for (uint j = 0u; j < 32u; j++) isum += signed_byte_at(base + 2u + j) * xq[first + j];
    return isum;
}

#include "matmul_exact32.glsl"

#include "matmul_driver.glsl"
