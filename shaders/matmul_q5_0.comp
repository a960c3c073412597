#version 450
// y = W·x with W in Q5_0: 22-byte blocks of an F16 scale d, 4 bytes of high bits qh (bit j for element j)
// and 16 bytes; byte j holds the low 4 bits of element j (low nibble) and j + 16 (high nibble), value
// (q - 16)·d.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 32u;
    uint row_base = row * blocks * 22u;
    float sum = 0.0;
    for (uint b = unit_first; b < blocks; b += unit_step) {
        uint base = row_base + b * 22u;
        uint input_base = token * shape.input_stride + b * 32u;
        uint qh = byte_at(base + 2u) | (byte_at(base + 3u) << 8) | (byte_at(base + 4u) << 16)
                | (byte_at(base + 5u) << 24);
        float block_sum = 0.0;
        for (uint j = 0u; j < 16u; j++) {
            uint q = byte_at(base + 6u + j);
            int low = int((q & 15u) | (((qh >> j) & 1u) << 4)) - 16;
            int high = int((q >> 4) | (((qh >> (j + 16u)) & 1u) << 4)) - 16;
            block_sum += float(low) * x[input_base + j] + float(high) * x[input_base + j + 16u];
        }
        sum += half_at(base) * block_sum;
    }
    return sum;
}

#define BLOCK_BYTES 22u
int block_isum(uint base, uint first) {
    uint qh = byte_at(base + 2u) | (byte_at(base + 3u) << 8) | (byte_at(base + 4u) << 16) | (byte_at(base + 5u) << 24);
    int isum = 0;
    for (uint j = 0u; j < 16u; j++) {
        uint q = byte_at(base + 6u + j);
        isum += (int((q & 15u) | (((qh >> j) & 1u) << 4)) - 16) * xq[first + j]
              + (int((q >> 4) | (((qh >> (j + 16u)) & 1u) << 4)) - 16) * xq[first + j + 16u];
    }
    return isum;
}

#include "matmul_exact32.glsl"

#include "matmul_driver.glsl"
