// Q6_K, Q5_K, Q3_K and Q2_K weights × Q8_K activations for many activation rows at once (prompt batches), with AVX-512
// VNNI (see gemm_common.h). All are taken as 16-value groups with a scale each: a panel holds each row's 256 values
// as unsigned bytes in value order (Q6_K's six bits 0..63, Q5_K's five bits, Q3_K's value + 4 in 0..7, Q2_K's two
// bits 0..3) and per group a scale and an offset, the amount the unsigned value overstates each value times the
// activation sum: 32·d·scale for Q6_K, 4·d·scale for Q3_K, dmin·min for Q5_K and Q2_K. The inner loop is one load per four values of 16 rows.
#pragma clang fp contract(off)
#include "gemm_common.h"

enum {
    /// Bytes of one 256-value block column of a panel: 64 words × 16 rows of values, then 16 × 16 scales (d·scale)
    /// and 16 × 16 offsets (32·d·scale), as floats.
    panel_block_bytes = 64 * 16 * 4 + 16 * 16 * 4 + 16 * 16 * 4,
};
_Static_assert(panel_block_bytes <= gk_panel_block_bytes_max, "scratch");

/// One 256-value block of a row: its values as unsigned bytes in value order, and per 16-value group the scale and
/// the offset.
typedef void (*unpack_block)(const uint8_t *row, int b, uint8_t *values, float *scales, float *offsets);

/// Q6_K: the values plus 32 (ggml's dequantize_row_q6_K order).
static void unpack_q6_K(const uint8_t *row, int b, uint8_t *values, float *scales, float *offsets) {
    const gk_block_q6_K *block = (const gk_block_q6_K *)row + b;
    for (int half = 0; half < 2; half++) {
        const uint8_t *ql = block->ql + 64 * half;
        const uint8_t *qh = block->qh + 32 * half;
        uint8_t *v = values + 128 * half;
        for (int l = 0; l < 32; l++) {
            v[l] = (uint8_t)((ql[l] & 0x0F) | ((qh[l] & 3) << 4));
            v[l + 32] = (uint8_t)((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4));
            v[l + 64] = (uint8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
            v[l + 96] = (uint8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4));
        }
    }
    const float d = gk_half_to_float(block->d);
    for (int g = 0; g < 16; g++) {
        scales[g] = d * (float)block->scales[g];
        offsets[g] = 32.0f * d * (float)block->scales[g];
    }
}

/// Q3_K: value v = 128n + 32j + 16h + l has low bits 2j of qs[32n + 16h + l] and 4 more unless bit 4n + j of
/// hmask[16h + l] is clear (ggml's dequantize_row_q3_K), here as value + 4; scale 6 bits − 32, packed as ggml packs.
static void unpack_q3_K(const uint8_t *row, int b, uint8_t *values, float *scales, float *offsets) {
    const gk_block_q3_K *block = (const gk_block_q3_K *)row + b;
    for (int g = 0; g < 16; g++) {
        const int n = g >> 3, j = (g >> 1) & 3, h = g & 1;
        for (int l = 0; l < 16; l++) {
            const int low = (block->qs[32 * n + 16 * h + l] >> (2 * j)) & 3;
            const int high = (block->hmask[16 * h + l] >> (4 * n + j)) & 1;
            values[16 * g + l] = (uint8_t)(low + 4 * high);
        }
        const int packed_low = g < 8 ? (block->scales[g] & 15) : (block->scales[g - 8] >> 4);
        const int packed_high = (block->scales[8 + (g & 3)] >> (2 * (g >> 2))) & 3;
        const int scale = (packed_low | (packed_high << 4)) - 32;
        const float d = gk_half_to_float(block->d);
        scales[g] = d * (float)scale;
        offsets[g] = 4.0f * d * (float)scale;
    }
}

/// Q2_K: value v = 128n + 32j + 16h + l is bits 2j of qs[32n + 16h + l]; group g's scale byte holds its scale (low
/// nibble) and min (high nibble).
static void unpack_q2_K(const uint8_t *row, int b, uint8_t *values, float *scales, float *offsets) {
    const gk_block_q2_K *block = (const gk_block_q2_K *)row + b;
    const float d = gk_half_to_float(block->d), dmin = gk_half_to_float(block->dmin);
    for (int g = 0; g < 16; g++) {
        const int n = g >> 3, j = (g >> 1) & 3, h = g & 1;
        for (int l = 0; l < 16; l++) values[16 * g + l] = (uint8_t)((block->qs[32 * n + 16 * h + l] >> (2 * j)) & 3);
        scales[g] = d * (float)(block->scales[g] & 15);
        offsets[g] = dmin * (float)(block->scales[g] >> 4);
    }
}

/// Q5_K: value 32s + l of sub-block s (0-7) is the low (s even) or high nibble of qs[32·(s/2) + l] plus 16 when bit s
/// of qh[l] is set (ggml's dequantize_row_q5_K); scales and mins packed as Q4_K's. Its 32-value sub-blocks are
/// taken as two 16-value groups with the same scale and min.
static void unpack_q5_K(const uint8_t *row, int b, uint8_t *values, float *scales, float *offsets) {
    const gk_block_q5_K *block = (const gk_block_q5_K *)row + b;
    const float d = gk_half_to_float(block->d), dmin = gk_half_to_float(block->dmin);
    for (int sub = 0; sub < 8; sub++) {
        for (int l = 0; l < 32; l++) {
            const int nibble = (block->qs[32 * (sub >> 1) + l] >> (4 * (sub & 1))) & 15;
            values[32 * sub + l] = (uint8_t)(nibble | (((block->qh[l] >> sub) & 1) << 4));
        }
        int scale, minimum;
        if (sub < 4) {
            scale = block->scales[sub] & 63;
            minimum = block->scales[sub + 4] & 63;
        } else {
            scale = (block->scales[sub + 4] & 0x0F) | ((block->scales[sub - 4] >> 6) << 4);
            minimum = (block->scales[sub + 4] >> 4) | ((block->scales[sub] >> 6) << 4);
        }
        scales[2 * sub] = scales[2 * sub + 1] = d * (float)scale;
        offsets[2 * sub] = offsets[2 * sub + 1] = dmin * (float)minimum;
    }
}

/// Rewrites weight rows `0 ..< valid` (at most 16) into the panel layout; missing rows are zero.
static void pack_panel_with(unpack_block unpack, int nb, const uint8_t *weights, size_t row_bytes, int valid,
                            uint8_t *panel) {
    for (int b = 0; b < nb; b++) {
        uint32_t *words = (uint32_t *)(panel + (size_t)b * panel_block_bytes);
        float *scales = (float *)(words + 64 * 16);
        float *offsets = scales + 16 * 16;
        for (int r = 0; r < gk_panel_rows; r++) {
            if (r >= valid) {
                for (int i = 0; i < 64; i++) words[i * 16 + r] = 0;
                for (int g = 0; g < 16; g++) scales[g * 16 + r] = offsets[g * 16 + r] = 0;
                continue;
            }
            uint8_t values[256];
            float row_scales[16], row_offsets[16];
            unpack(weights + (size_t)r * row_bytes, b, values, row_scales, row_offsets);
            for (int i = 0; i < 64; i++) memcpy(&words[i * 16 + r], values + 4 * i, 4);
            for (int g = 0; g < 16; g++) {
                scales[g * 16 + r] = row_scales[g];
                offsets[g * 16 + r] = row_offsets[g];
            }
        }
    }
}

#if GK_X86
/// `C` activation rows against one packed panel: 16 sums per activation row into `out` (row `c` at `c × stride`).
static inline __attribute__((always_inline)) GK_GEMM_TARGET void panel_times_rows(
    const int C, int nb, const uint8_t *panel, const uint8_t *activations, size_t activation_row_bytes,
    const float *sums, size_t sums_stride, float *out, size_t out_stride, int valid, int accumulate) {
    __m512 total[GK_GEMM_GROUP];
    for (int c = 0; c < C; c++) total[c] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *column = panel + (size_t)b * panel_block_bytes;
        const float *scales = (const float *)(column + 64 * 16 * 4);
        const float *offsets = scales + 16 * 16;
        const int8_t *q8[GK_GEMM_GROUP];
        for (int c = 0; c < C; c++) {
            q8[c] = ((const gk_block_q8_K *)(activations + (size_t)c * activation_row_bytes) + b)->qs;
        }
        __m512 block_sum[GK_GEMM_GROUP];
        for (int c = 0; c < C; c++) block_sum[c] = _mm512_setzero_ps();
        for (int g = 0; g < 16; g++) {
            __m512i group_sum[GK_GEMM_GROUP];
            for (int c = 0; c < C; c++) group_sum[c] = _mm512_setzero_si512();
            for (int i = 0; i < 4; i++) {
                const __m512i values = _mm512_loadu_si512(column + (size_t)(g * 4 + i) * 64);
                for (int c = 0; c < C; c++) {
                    int32_t four;
                    memcpy(&four, q8[c] + g * 16 + 4 * i, 4);
                    group_sum[c] = _mm512_dpbusd_epi32(group_sum[c], values, _mm512_set1_epi32(four));
                }
            }
            const __m512 scale = _mm512_loadu_ps(scales + g * 16);
            for (int c = 0; c < C; c++) {
                block_sum[c] = _mm512_add_ps(block_sum[c], _mm512_mul_ps(_mm512_cvtepi32_ps(group_sum[c]), scale));
            }
        }
        for (int c = 0; c < C; c++) {
            const float *s = sums + (size_t)c * sums_stride + (size_t)b * gk_sums_per_block;
            __m512 m = block_sum[c];
            for (int g = 0; g < 16; g++) m = _mm512_sub_ps(m, _mm512_mul_ps(_mm512_loadu_ps(offsets + g * 16), _mm512_set1_ps(s[9 + g])));
            total[c] = _mm512_add_ps(total[c], _mm512_mul_ps(m, _mm512_set1_ps(s[0])));
        }
    }
    for (int c = 0; c < C; c++) gk_panel_store(total[c], out + (size_t)c * out_stride, valid, accumulate);
}

#define pack_panel(nb, weights, row_bytes, valid, panel) pack_panel_with(unpack_q6_K, nb, weights, row_bytes, valid, panel)
GK_GEMM_DRIVER(q6_K)
#undef pack_panel
#define pack_panel(nb, weights, row_bytes, valid, panel) pack_panel_with(unpack_q3_K, nb, weights, row_bytes, valid, panel)
GK_GEMM_DRIVER(q3_K)
#undef pack_panel
#define pack_panel(nb, weights, row_bytes, valid, panel) pack_panel_with(unpack_q2_K, nb, weights, row_bytes, valid, panel)
GK_GEMM_DRIVER(q2_K)
#undef pack_panel
#define pack_panel(nb, weights, row_bytes, valid, panel) pack_panel_with(unpack_q5_K, nb, weights, row_bytes, valid, panel)
GK_GEMM_DRIVER(q5_K)
#undef pack_panel
#endif
