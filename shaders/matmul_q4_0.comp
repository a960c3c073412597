#version 450
// y = W·x with W in Q4_0: 18-byte blocks of an F16 scale d and 16 bytes; byte j holds element j in its
// low nibble and element j + 16 in its high nibble, value (q - 8)·d.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 32u;
    uint row_base = row * blocks * 18u;
    float sum = 0.0;
    for (uint b = unit_first; b < blocks; b += unit_step) {
        uint base = row_base + b * 18u;
        uint input_base = token * shape.input_stride + b * 32u;
        float block_sum = 0.0;
        for (uint j = 0u; j < 16u; j++) {
            uint q = byte_at(base + 2u + j);
            block_sum += float(int(q & 15u) - 8) * x[input_base + j]
                       + float(int(q >> 4) - 8) * x[input_base + j + 16u];
        }
        sum += half_at(base) * block_sum;
    }
    return sum;
}

#define BLOCK_BYTES 18u
int block_isum(uint base, uint first) {
    int isum = 0;
    for (uint j = 0u; j < 16u; j++) {
        uint q = byte_at(base + 2u + j);
        isum += (int(q & 15u) - 8) * xq[first + j] + (int(q >> 4) - 8) * xq[first + j + 16u];
    }
    return isum;
}

#include "matmul_exact32.glsl"

#include "matmul_driver.glsl"
