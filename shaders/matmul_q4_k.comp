#version 450
// y = W·x with W in Q4_K: 144-byte super-blocks of 256 values: F16 d and dmin, 12 bytes packing eight 6-bit
// scales and mins, 128 bytes of nibbles. Each 64-value quarter j uses sub-blocks 2j (low nibbles of
// bytes 32j..32j+31) and 2j+1 (their high nibbles); value d·scale·q − dmin·min.
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
    uint row_base = row * blocks * 144u;
    float sum = 0.0;
    // One quarter super-block per step keeps 64 invocations busy on rows of a few super-blocks.
    for (uint unit = unit_first; unit < blocks * 4u; unit += unit_step) {
        uint block = unit >> 2;
        uint quarter = unit & 3u;
        uint base = row_base + block * 144u;
        vec2 d = unpackHalf2x16(weights[base >> 2]);  // super-block bases are word-aligned: x = d, y = dmin
        uvec2 low_sm = scale_min(base + 4u, 2u * quarter);
        uvec2 high_sm = scale_min(base + 4u, 2u * quarter + 1u);
        uint quants = base + 16u + 32u * quarter;
        uint input_base = token * shape.input_stride + block * 256u + 64u * quarter;
        float low = 0.0, high = 0.0, low_x = 0.0, high_x = 0.0;
        for (uint l = 0u; l < 32u; l++) {
            uint q = byte_at(quants + l);
            float xl = x[input_base + l];
            float xh = x[input_base + 32u + l];
            low += float(q & 15u) * xl;
            high += float(q >> 4) * xh;
            low_x += xl;
            high_x += xh;
        }
        sum += d.x * (float(low_sm.x) * low + float(high_sm.x) * high)
             - d.y * (float(low_sm.y) * low_x + float(high_sm.y) * high_x);
    }
    return sum;
}

// The CPU batch kernel's steps (gemm_q4_K.c), per super-block: sub-blocks 0-7 in order add
// float(Σ q·q_x)·(d·scale), then the mins come off one by one (− (dmin·min)·Σ q_x), and the block joins the row's
// total as + block·d_x; every step `precise`.
#define HAS_EXACT
float row_dot_exact(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * 144u;
    uint input_base = token * shape.input_stride;
    uint scale_base = token * (shape.input_stride / 256u);
    precise float total = 0.0;
    for (uint block = 0u; block < blocks; block++) {
        uint base = row_base + block * 144u;
        vec2 d = unpackHalf2x16(weights[base >> 2]);
        precise float block_sum = 0.0;
        int x_sums[8];
        for (uint sub = 0u; sub < 8u; sub++) {
            uint quants = base + 16u + 32u * (sub >> 1);
            uint shift = (sub & 1u) * 4u;
            uint first = input_base + block * 256u + 32u * sub;
            int isum = 0, xsum = 0;
            for (uint l = 0u; l < 32u; l++) {
                int qx = xq[first + l];
                isum += int((byte_at(quants + l) >> shift) & 15u) * qx;
                xsum += qx;
            }
            x_sums[sub] = xsum;
            precise float scale = d.x * float(scale_min(base + 4u, sub).x);
            block_sum = block_sum + float(isum) * scale;
        }
        precise float m = block_sum;
        for (uint sub = 0u; sub < 8u; sub++) {
            precise float minimum = d.y * float(scale_min(base + 4u, sub).y);
            m = m - minimum * float(x_sums[sub]);
        }
        total = total + m * xd[scale_base + block];
    }
    return total;
}

#include "matmul_driver.glsl"
