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

// The exact mode's view of a block (gemm_k16.c): group g's values as unsigned bytes (value + 32), its scale
// d·scale and offset 32·d·scale.
uint block_bytes() { return 210u; }
uint group_value(uint base, uint group, uint i) {
    // Group g covers values 16g ... 16g + 15: half h = g / 8, quarter k = (g / 2) % 4, l from 16·(g % 2).
    uint h = group >> 3, k = (group >> 1) & 3u;
    uint l = 16u * (group & 1u) + i;
    uint low = (byte_at(base + 64u * h + ((k & 1u) != 0u ? 32u : 0u) + l) >> (k >= 2u ? 4u : 0u)) & 15u;
    return low | (((byte_at(base + 128u + 32u * h + l) >> (2u * k)) & 3u) << 4);
}
float group_scale(uint base, uint group) {
    precise float scale = half_at(base + 208u) * float(signed_byte_at(base + 192u + group));
    return scale;
}
float group_offset(uint base, uint group) {
    precise float offset = 32.0 * half_at(base + 208u);
    offset = offset * float(signed_byte_at(base + 192u + group));
    return offset;
}
#include "matmul_exact_k16.glsl"

#include "matmul_driver.glsl"
