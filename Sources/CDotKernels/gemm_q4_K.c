// Q4_K weights × Q8_K activations for many activation rows at once (prompt batches), with AVX-512 VNNI (see
// gemm_common.h). A panel keeps the packed nibbles: one load, masked low or high, gives the four values of two
// 32-value sub-blocks of each row.
#pragma clang fp contract(off)
#include "gemm_common.h"

enum {
    /// Bytes of one 256-value block column of a panel: 32 words × 16 rows of quants, then 8 × 16 scales and 8 × 16
    /// mins (d·scale and dmin·min as floats).
    panel_block_bytes = 32 * 16 * 4 + 8 * 16 * 4 + 8 * 16 * 4,
};
_Static_assert(panel_block_bytes <= gk_panel_block_bytes_max, "scratch");

/// The 8 six-bit scales (`out[0..<8]`) and mins (`out[8..<16]`) of a Q4_K block.
static void unpack_scales_mins(const uint8_t *packed, uint8_t *out) {
    for (int j = 0; j < 4; j++) {
        out[j] = packed[j] & 63;
        out[8 + j] = packed[j + 4] & 63;
    }
    for (int j = 4; j < 8; j++) {
        out[j] = (uint8_t)((packed[j + 4] & 0x0F) | ((packed[j - 4] >> 6) << 4));
        out[8 + j] = (uint8_t)((packed[j + 4] >> 4) | ((packed[j] >> 6) << 4));
    }
}

/// Rewrites weight rows `0 ..< valid` (at most 16) into the panel layout; missing rows are zero.
static void pack_panel(int nb, const uint8_t *weights, size_t row_bytes, int valid, uint8_t *panel) {
    for (int b = 0; b < nb; b++) {
        uint32_t *quants = (uint32_t *)(panel + (size_t)b * panel_block_bytes);
        float *scales = (float *)(quants + 32 * 16);
        float *mins = scales + 8 * 16;
        for (int r = 0; r < gk_panel_rows; r++) {
            if (r >= valid) {
                for (int i = 0; i < 32; i++) quants[i * 16 + r] = 0;
                for (int j = 0; j < 8; j++) scales[j * 16 + r] = mins[j * 16 + r] = 0;
                continue;
            }
            const gk_block_q4_K *block = (const gk_block_q4_K *)(weights + (size_t)r * row_bytes) + b;
            for (int i = 0; i < 32; i++) memcpy(&quants[i * 16 + r], block->qs + 4 * i, 4);
            uint8_t sm[16];
            unpack_scales_mins(block->scales, sm);
            const float d = gk_half_to_float(block->d), dmin = gk_half_to_float(block->dmin);
            for (int j = 0; j < 8; j++) {
                scales[j * 16 + r] = d * (float)sm[j];
                mins[j * 16 + r] = dmin * (float)sm[8 + j];
            }
        }
    }
}

#if GK_X86

/// `C` activation rows against one packed panel: 16 sums per activation row into `out` (row `c` at `c × stride`).
static inline __attribute__((always_inline)) GK_GEMM_TARGET void panel_times_rows(
    const int C, int nb, const uint8_t *panel, const uint8_t *activations, size_t activation_row_bytes,
    const float *sums, size_t sums_stride, float *out, size_t out_stride, int valid, int accumulate) {
    const __m512i low_mask = _mm512_set1_epi8(0x0F);
    __m512 total[GK_GEMM_GROUP];
    for (int c = 0; c < C; c++) total[c] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *column = panel + (size_t)b * panel_block_bytes;
        const float *scales = (const float *)(column + 32 * 16 * 4);
        const float *mins = scales + 8 * 16;
        const int8_t *q8[GK_GEMM_GROUP];
        for (int c = 0; c < C; c++) {
            q8[c] = ((const gk_block_q8_K *)(activations + (size_t)c * activation_row_bytes) + b)->qs;
        }
        __m512 block_sum[GK_GEMM_GROUP];
        for (int c = 0; c < C; c++) block_sum[c] = _mm512_setzero_ps();
        for (int pair = 0; pair < 4; pair++) {
            __m512i low_sum[GK_GEMM_GROUP], high_sum[GK_GEMM_GROUP];
            for (int c = 0; c < C; c++) low_sum[c] = high_sum[c] = _mm512_setzero_si512();
            for (int i = 0; i < 8; i++) {
                const __m512i packed = _mm512_loadu_si512(column + (size_t)(pair * 8 + i) * 64);
                const __m512i low = _mm512_and_si512(packed, low_mask);
                const __m512i high = _mm512_and_si512(_mm512_srli_epi16(packed, 4), low_mask);
                for (int c = 0; c < C; c++) {
                    int32_t lo4, hi4;
                    memcpy(&lo4, q8[c] + pair * 64 + 4 * i, 4);
                    memcpy(&hi4, q8[c] + pair * 64 + 32 + 4 * i, 4);
                    low_sum[c] = _mm512_dpbusd_epi32(low_sum[c], low, _mm512_set1_epi32(lo4));
                    high_sum[c] = _mm512_dpbusd_epi32(high_sum[c], high, _mm512_set1_epi32(hi4));
                }
            }
            const __m512 low_scale = _mm512_loadu_ps(scales + (2 * pair) * 16);
            const __m512 high_scale = _mm512_loadu_ps(scales + (2 * pair + 1) * 16);
            for (int c = 0; c < C; c++) {
                block_sum[c] = _mm512_add_ps(block_sum[c], _mm512_mul_ps(_mm512_cvtepi32_ps(low_sum[c]), low_scale));
                block_sum[c] = _mm512_add_ps(block_sum[c], _mm512_mul_ps(_mm512_cvtepi32_ps(high_sum[c]), high_scale));
            }
        }
        for (int c = 0; c < C; c++) {
            const float *s = sums + (size_t)c * sums_stride + (size_t)b * gk_sums_per_block;
            __m512 m = block_sum[c];
            for (int j = 0; j < 8; j++) m = _mm512_sub_ps(m, _mm512_mul_ps(_mm512_loadu_ps(mins + j * 16), _mm512_set1_ps(s[1 + j])));
            total[c] = _mm512_add_ps(total[c], _mm512_mul_ps(m, _mm512_set1_ps(s[0])));
        }
    }
    for (int c = 0; c < C; c++) gk_panel_store(total[c], out + (size_t)c * out_stride, valid, accumulate);
}

GK_GEMM_DRIVER(q4_K)
#endif
