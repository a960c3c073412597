// Shared by the batch kernels (gemm_*.c): the activation side tables and the 16-row panel conventions.
//
// A batch kernel rewrites 16 weight rows at a time ("a panel") so that one 64-byte load holds the same four quant
// bytes of all 16 rows; one `vpdpbusd` against four activation bytes broadcast to every lane then adds four products
// to each row's sum, and each panel load serves `GK_GEMM_GROUP` activation rows read straight from their
// encoded blocks (Q8_K for the k-quants, 32-value blocks for the others).
// Group sums are exact int32 as in ggml's dot products; scales are applied in F32 with separate multiplies and adds
// (no fused multiply-add) in a fixed order per output, which the GPU path's shaders repeat for the same bits.
#ifndef GGUFKIT_GEMM_COMMON_H
#define GGUFKIT_GEMM_COMMON_H

#include "dot_kernels.h"
#include "blocks.h"

enum {
    /// Weight rows per panel: one per 32-bit lane of a 512-bit register.
    gk_panel_rows = 16,
    /// Floats per 256-value activation block in the side table: the block's scale, its eight 32-value sums, then its
    /// sixteen 16-value sums (each kernel reads the ones its format's offsets need).
    gk_sums_per_block = 25,
    /// Largest panel bytes per 256-value block column over all batch kernels (Q6_K: 256 unpacked values × 16 rows,
    /// then 16 × 16 scales and 16 × 16 offsets).
    gk_panel_block_bytes_max = 256 * 16 + 2 * 16 * 16 * 4,
};

/// Activation rows per pass over a panel: each panel load feeds 8 `vpdpbusd`s per activation-row-independent
/// operand; 8 measured 11% faster than 4 (Q4_K), and more rows spill registers.
#define GK_GEMM_GROUP 8

#if GK_X86
#include <immintrin.h>
#define GK_GEMM_TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))

/// Stores (or adds) the first `valid` of 16 row sums at `target`.
static inline __attribute__((always_inline)) GK_GEMM_TARGET void gk_panel_store(__m512 value, float *target, int valid,
                                                                              int accumulate) {
    const __mmask16 keep = (__mmask16)((1u << valid) - 1);
    if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(keep, target));
    _mm512_mask_storeu_ps(target, keep, value);
}

#define PASS(C) panel_times_rows(C, nb, scratch, x, activation_row_bytes, s, sums_stride, y, out_stride, valid, accumulate)

/// Runs `PASS(C)` for activation rows `a ..< a + C` over every group of `m`, with `C` a compile-time constant so each
/// group size gets its own register allocation. `PASS` sees `x` (first activation row), `s` (its side-table row) and
/// `y` (its first output).
#define GK_GEMM_FOR_GROUPS(m, activations, activation_row_bytes, sums, sums_stride, out, out_stride, first)           \
    for (int a_ = 0; a_ < (m); a_ += GK_GEMM_GROUP) {                                                                  \
        const int count_ = (m) - a_ < GK_GEMM_GROUP ? (m) - a_ : GK_GEMM_GROUP;                                       \
        const uint8_t *x = (const uint8_t *)(activations) + (size_t)a_ * (activation_row_bytes);                       \
        const float *s = (sums) + (size_t)a_ * (sums_stride);                                                          \
        float *y = (out) + (size_t)a_ * (out_stride) + (first);                                                        \
        switch (count_) {                                                                                              \
        case 8: PASS(8); break;                                                                                        \
        case 7: PASS(7); break;                                                                                        \
        case 6: PASS(6); break;                                                                                        \
        case 5: PASS(5); break;                                                                                        \
        case 4: PASS(4); break;                                                                                        \
        case 3: PASS(3); break;                                                                                        \
        case 2: PASS(2); break;                                                                                        \
        default: PASS(1); break;                                                                                       \
        }                                                                                                              \
    }

/// Defines `gk_gemm_<name>_avx512` (a ``gk_gemm_function``) from the including file's `pack_panel` and
/// `panel_times_rows`: each 16-row panel is packed once, then multiplied by every group of activation rows.
#define GK_GEMM_DRIVER(name)                                                                                           \
    GK_GEMM_TARGET void gk_gemm_##name##_avx512(int n, const void *weights, size_t weight_row_bytes, int rows,         \
                                                const void *activations, size_t activation_row_bytes,                  \
                                                const float *sums, int m, float *out, size_t out_stride,               \
                                                int accumulate, void *scratch) {                                       \
        const int nb = n / 256;                                                                                        \
        const size_t sums_stride = gk_gemm_sums_count(n);                                                              \
        for (int first = 0; first < rows; first += gk_panel_rows) {                                                    \
            const int valid = rows - first < gk_panel_rows ? rows - first : gk_panel_rows;                             \
            pack_panel(nb, (const uint8_t *)weights + (size_t)first * weight_row_bytes, weight_row_bytes, valid,       \
                       scratch);                                                                                       \
            GK_GEMM_FOR_GROUPS(m, activations, activation_row_bytes, sums, sums_stride, out, out_stride, first)        \
        }                                                                                                              \
    }
#endif

#endif
