// Q8_0, Q4_0, Q5_0, Q4_1 and Q5_1 weights × 32-value activation blocks (GK_ACTIVATION_Q8_1) for many activation rows
// at once, with AVX-512 VNNI (see gemm_common.h). A panel holds each block's 32 weight values as unsigned bytes (the
// stored value plus an offset: 128 for Q8_0, 8 for Q4_0's nibbles and 16 for Q5_0's five bits are the stored bytes
// already; Q4_1 and Q5_1 have none) and each row's F16 scale and min as floats. Per (weight row, activation row) the
// arithmetic is fixed:
//   acc = 0; for each block b: acc = acc + float(Σ u·x − offset·Σx) · (d_w·d_x)
//                              (Q4_1, Q5_1:) acc = acc + m_w · (d_x·Σx)
// with the integer sums exact, d_w·d_x exact (two F16 values) and no fused multiply-add (a device may not fuse, and
// `precise` shader arithmetic never does), so the GPU path's shaders give the same bits. d_x·Σx is ggml's Q8_1 s.
#pragma clang fp contract(off)
#include "gemm_common.h"

enum {
    /// Bytes of one 32-value block column of a panel: 8 words × 16 rows of unsigned bytes, then 16 scales and 16 mins.
    panel_block_bytes = 8 * 16 * 4 + 16 * 4 + 16 * 4,
};
_Static_assert(panel_block_bytes * 8 <= gk_panel_block_bytes_max, "scratch");

/// One block of a row as 32 unsigned bytes and its scale (and min, for the types that have one).
typedef float (*unpack_block)(const uint8_t *row, int b, uint8_t *bytes, float *min);

static float unpack_q8_0(const uint8_t *row, int b, uint8_t *bytes, float *min) {
    *min = 0;
    const gk_block_q8_0 *block = (const gk_block_q8_0 *)row + b;
    for (int j = 0; j < 32; j++) bytes[j] = (uint8_t)(block->qs[j] + 128);
    return gk_half_to_float(block->d);
}

/// 16 bytes of nibbles (element j low, j + 16 high) with a fifth bit from `qh` (bit j for element j), or none.
static void unpack_nibbles(const uint8_t *qs, const uint8_t *qh, uint8_t *bytes) {
    uint32_t high = 0;
    if (qh) memcpy(&high, qh, 4);
    for (int j = 0; j < 16; j++) {
        bytes[j] = (uint8_t)((qs[j] & 0x0F) | (((high >> j) & 1) << 4));
        bytes[j + 16] = (uint8_t)((qs[j] >> 4) | (((high >> (j + 16)) & 1) << 4));
    }
}

static float unpack_q4_0(const uint8_t *row, int b, uint8_t *bytes, float *min) {
    const gk_block_q4_0 *block = (const gk_block_q4_0 *)row + b;
    unpack_nibbles(block->qs, NULL, bytes);
    *min = 0;
    return gk_half_to_float(block->d);
}

static float unpack_q5_0(const uint8_t *row, int b, uint8_t *bytes, float *min) {
    const gk_block_q5_0 *block = (const gk_block_q5_0 *)row + b;
    unpack_nibbles(block->qs, block->qh, bytes);
    *min = 0;
    return gk_half_to_float(block->d);
}

static float unpack_q4_1(const uint8_t *row, int b, uint8_t *bytes, float *min) {
    const gk_block_q4_1 *block = (const gk_block_q4_1 *)row + b;
    unpack_nibbles(block->qs, NULL, bytes);
    *min = gk_half_to_float(block->m);
    return gk_half_to_float(block->d);
}

static float unpack_q5_1(const uint8_t *row, int b, uint8_t *bytes, float *min) {
    const gk_block_q5_1 *block = (const gk_block_q5_1 *)row + b;
    unpack_nibbles(block->qs, block->qh, bytes);
    *min = gk_half_to_float(block->m);
    return gk_half_to_float(block->d);
}

/// Rewrites weight rows `0 ..< valid` (at most 16) into the panel layout; missing rows are zero.
static void pack_panel_with(unpack_block unpack, int nb, const uint8_t *weights, size_t row_bytes, int valid,
                            uint8_t *panel) {
    for (int b = 0; b < nb; b++) {
        uint32_t *words = (uint32_t *)(panel + (size_t)b * panel_block_bytes);
        float *scales = (float *)(words + 8 * 16);
        float *mins = scales + 16;
        for (int r = 0; r < gk_panel_rows; r++) {
            if (r >= valid) {
                for (int i = 0; i < 8; i++) words[i * 16 + r] = 0;
                scales[r] = mins[r] = 0;
                continue;
            }
            uint8_t bytes[32];
            scales[r] = unpack(weights + (size_t)r * row_bytes, b, bytes, &mins[r]);
            for (int i = 0; i < 8; i++) memcpy(&words[i * 16 + r], bytes + 4 * i, 4);
        }
    }
}

#if GK_X86

/// `C` activation rows against one packed panel: 16 sums per activation row into `out` (row `c` at `c × stride`).
/// `sums` holds (d_x, Σx) per 32-value block of each activation row.
static inline __attribute__((always_inline)) GK_GEMM_TARGET void panel_times_rows_offset(
    const int C, const float offset, const int has_min, int nb, const uint8_t *panel, const uint8_t *activations,
    size_t activation_row_bytes, const float *sums, size_t sums_stride, float *out, size_t out_stride, int valid,
    int accumulate) {
    __m512 total[GK_GEMM_GROUP];
    for (int c = 0; c < C; c++) total[c] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        const uint8_t *column = panel + (size_t)b * panel_block_bytes;
        const __m512 scales = _mm512_loadu_ps(column + 8 * 16 * 4);
        __m512i sum[GK_GEMM_GROUP];
        const int8_t *q8[GK_GEMM_GROUP];
        for (int c = 0; c < C; c++) {
            sum[c] = _mm512_setzero_si512();
            q8[c] = ((const gk_block_q8_1 *)(activations + (size_t)c * activation_row_bytes) + b)->qs;
        }
        for (int i = 0; i < 8; i++) {
            const __m512i packed = _mm512_loadu_si512(column + (size_t)i * 64);
            for (int c = 0; c < C; c++) {
                int32_t four;
                memcpy(&four, q8[c] + 4 * i, 4);
                sum[c] = _mm512_dpbusd_epi32(sum[c], packed, _mm512_set1_epi32(four));
            }
        }
        for (int c = 0; c < C; c++) {
            const float *s = sums + (size_t)c * sums_stride + (size_t)b * 2;
            const __m512 exact = _mm512_sub_ps(_mm512_cvtepi32_ps(sum[c]), _mm512_set1_ps(offset * s[1]));
            total[c] = _mm512_add_ps(total[c], _mm512_mul_ps(exact, _mm512_mul_ps(scales, _mm512_set1_ps(s[0]))));
            if (has_min) {
                const __m512 mins = _mm512_loadu_ps(column + 8 * 16 * 4 + 16 * 4);
                total[c] = _mm512_add_ps(total[c], _mm512_mul_ps(mins, _mm512_set1_ps(s[0] * s[1])));
            }
        }
    }
    for (int c = 0; c < C; c++) gk_panel_store(total[c], out + (size_t)c * out_stride, valid, accumulate);
}

#define GK_GEMM_Q8_1_DRIVER(name, offset_value, has_min_value)                                                                        \
    static void pack_panel_##name(int nb, const uint8_t *weights, size_t row_bytes, int valid, uint8_t *panel) {      \
        pack_panel_with(unpack_##name, nb, weights, row_bytes, valid, panel);                                          \
    }                                                                                                                  \
    GK_GEMM_TARGET void gk_gemm_##name##_avx512(int n, const void *weights, size_t weight_row_bytes, int rows,         \
                                                const void *activations, size_t activation_row_bytes,                  \
                                                const float *sums, int m, float *out, size_t out_stride,               \
                                                int accumulate, void *scratch) {                                       \
        const int nb = n / 32;                                                                                         \
        const float offset = (offset_value);                                                                           \
        const int has_min = (has_min_value);                                                                           \
        const size_t sums_stride = (size_t)nb * 2;                                                                     \
        for (int first = 0; first < rows; first += gk_panel_rows) {                                                    \
            const int valid = rows - first < gk_panel_rows ? rows - first : gk_panel_rows;                             \
            pack_panel_##name(nb, (const uint8_t *)weights + (size_t)first * weight_row_bytes, weight_row_bytes,       \
                              valid, scratch);                                                                         \
            GK_GEMM_FOR_GROUPS(m, activations, activation_row_bytes, sums, sums_stride, out, out_stride, first)        \
        }                                                                                                              \
    }

#undef PASS
#define PASS(C)                                                                                                        \
    panel_times_rows_offset(C, offset, has_min, nb, scratch, x, activation_row_bytes, s, sums_stride, y, out_stride, valid,    \
                            accumulate)

GK_GEMM_Q8_1_DRIVER(q8_0, 128, 0)
GK_GEMM_Q8_1_DRIVER(q4_0, 8, 0)
GK_GEMM_Q8_1_DRIVER(q5_0, 16, 0)
GK_GEMM_Q8_1_DRIVER(q4_1, 0, 1)
GK_GEMM_Q8_1_DRIVER(q5_1, 0, 1)
#endif
