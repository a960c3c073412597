#version 450
// y = W·x with W in Q6_K: 210-byte super-blocks of 256 values: ql[128] (low 4 bits), qh[64] (high 2 bits),
// 16 signed 8-bit scales, F16 d. Each 128-value half h uses ql[64h..64h+63], qh[32h..32h+31] and scales
// 8h..8h+7; for l < 32 its values l, l+32, l+64, l+96 take (ql[l] low, qh[l] bits 0-1),
// (ql[l+32] low, bits 2-3), (ql[l] high, bits 4-5), (ql[l+32] high, bits 6-7), value d·scale·(q − 32)
// with scale index l/16 (+2, +4, +6).
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * 210u;
    float sum = 0.0;
    // One step takes 16 l's of a half: 64 values, so rows of a few super-blocks keep 64 invocations busy.
    for (uint unit = unit_first; unit < blocks * 4u; unit += unit_step) {
        uint block = unit >> 2;
        uint half_index = (unit >> 1) & 1u;
        uint group = unit & 1u;
        uint base = row_base + block * 210u;
        uint ql = base + 64u * half_index;
        uint qh = base + 128u + 32u * half_index;
        uint scales = base + 192u + 8u * half_index;
        uint input_base = token * shape.input_stride + block * 256u + 128u * half_index;
        float s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (uint i = 0u; i < 16u; i++) {
            uint l = 16u * group + i;
            uint low = byte_at(ql + l);
            uint low2 = byte_at(ql + l + 32u);
            uint high = byte_at(qh + l);
            s0 += float(int((low & 15u) | ((high & 3u) << 4)) - 32) * x[input_base + l];
            s1 += float(int((low2 & 15u) | (((high >> 2) & 3u) << 4)) - 32) * x[input_base + l + 32u];
            s2 += float(int((low >> 4) | (((high >> 4) & 3u) << 4)) - 32) * x[input_base + l + 64u];
            s3 += float(int((low2 >> 4) | (((high >> 6) & 3u) << 4)) - 32) * x[input_base + l + 96u];
        }
        sum += half_at(base + 208u)
             * (float(signed_byte_at(scales + group)) * s0 + float(signed_byte_at(scales + group + 2u)) * s1
              + float(signed_byte_at(scales + group + 4u)) * s2 + float(signed_byte_at(scales + group + 6u)) * s3);
    }
    return sum;
}

// The CPU batch kernel's steps (gemm_q6_K.c), per super-block: 16-value groups 0-15 in value order add
// float(Σ (q+32)·q_x)·(d·scale) with q + 32 the stored six bits, then the offsets come off one by one
// (− (32·d·scale)·Σ q_x), and the block joins the row's total as + block·d_x; every step `precise`.
#define HAS_EXACT
float row_dot_exact(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * 210u;
    uint input_base = token * shape.input_stride;
    uint scale_base = token * (shape.input_stride / 256u);
    precise float total = 0.0;
    for (uint block = 0u; block < blocks; block++) {
        uint base = row_base + block * 210u;
        float d = half_at(base + 208u);
        precise float block_sum = 0.0;
        int x_sums[16];
        for (uint group = 0u; group < 16u; group++) {
            // Group g covers values 16g ... 16g + 15: half h = g / 8, quarter k = (g / 2) % 4, l from 16·(g % 2).
            uint h = group >> 3, k = (group >> 1) & 3u;
            uint ql = base + 64u * h + ((k & 1u) != 0u ? 32u : 0u);
            uint qh = base + 128u + 32u * h;
            uint low_shift = k >= 2u ? 4u : 0u;
            uint high_shift = 2u * k;
            uint first = input_base + block * 256u + 16u * group;
            int isum = 0, xsum = 0;
            for (uint i = 0u; i < 16u; i++) {
                uint l = 16u * (group & 1u) + i;
                int q = int(((byte_at(ql + l) >> low_shift) & 15u) | (((byte_at(qh + l) >> high_shift) & 3u) << 4));
                int qx = xq[first + i];
                isum += q * qx;
                xsum += qx;
            }
            x_sums[group] = xsum;
            precise float scale = d * float(signed_byte_at(base + 192u + group));
            block_sum = block_sum + float(isum) * scale;
        }
        precise float m = block_sum;
        for (uint group = 0u; group < 16u; group++) {
            precise float offset = 32.0 * d;
            offset = offset * float(signed_byte_at(base + 192u + group));
            m = m - offset * float(x_sums[group]);
        }
        total = total + m * xd[scale_base + block];
    }
    return total;
}

#include "matmul_driver.glsl"
