// Q6_K weights × Q8_K activations for many activation rows at once (prompt batches), with AVX-512 VNNI (see
// gemm_common.h). A panel holds each row's 256 six-bit values unpacked to bytes (0..63, in value order), so the
// inner loop is one load per four values of 16 rows; the -32 offset comes back as 32·d·scale times each 16-value
// group's activation sum.
#pragma clang fp contract(off)
#include "gemm_common.h"

enum {
    /// Bytes of one 256-value block column of a panel: 64 words × 16 rows of values, then 16 × 16 scales (d·scale)
    /// and 16 × 16 offsets (32·d·scale), as floats.
    panel_block_bytes = 64 * 16 * 4 + 16 * 16 * 4 + 16 * 16 * 4,
};
_Static_assert(panel_block_bytes <= gk_panel_block_bytes_max, "scratch");

/// The 256 values of a Q6_K block plus 32, in value order (ggml's dequantize_row_q6_K order).
static void unpack_values(const gk_block_q6_K *block, uint8_t *values) {
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
}

/// Rewrites weight rows `0 ..< valid` (at most 16) into the panel layout; missing rows are zero.
static void pack_panel(int nb, const uint8_t *weights, size_t row_bytes, int valid, uint8_t *panel) {
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
            const gk_block_q6_K *block = (const gk_block_q6_K *)(weights + (size_t)r * row_bytes) + b;
            uint8_t values[256];
            unpack_values(block, values);
            for (int i = 0; i < 64; i++) memcpy(&words[i * 16 + r], values + 4 * i, 4);
            const float d = gk_half_to_float(block->d);
            for (int g = 0; g < 16; g++) {
                scales[g * 16 + r] = d * (float)block->scales[g];
                offsets[g * 16 + r] = 32.0f * d * (float)block->scales[g];
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

GK_GEMM_DRIVER(q6_K)
#endif
