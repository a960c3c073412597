#include "quant_kernels.h"

// Each lane must round exactly like the scalar loop: no contraction of a*b+c into one FMA.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__)
#include <immintrin.h>

static int cpu_level(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
    return 0;
}

// The level below or at `x`: binary lifting over the sorted table (largest i with levels[i] <= x,
// 0 when none), capped at 14, then ggml's comparison between that level and the next one. For
// x <= levels[0] this picks level 0 and for x >= levels[15] level 15, as best_index_int8 does.
__attribute__((target("avx512f")))
static void trials_avx512(const float *x, const float *w, const float *inverse, const float *levels,
                          float *sum_qx, float *sum_q2) {
    const __m512 scale = _mm512_loadu_ps(inverse);
    const __m512 table = _mm512_loadu_ps(levels);
    const __m512 top = _mm512_set1_ps(levels[15]);
    const __m512i one = _mm512_set1_epi32(1), cap = _mm512_set1_epi32(14);
    __m512 qx = _mm512_setzero_ps(), q2 = _mm512_setzero_ps();
    for (int j = 0; j < 32; ++j) {
        const __m512 xj = _mm512_set1_ps(x[j]);
        const __m512 al = _mm512_mul_ps(scale, xj);
        __m512i index = _mm512_setzero_si512();
        for (int step = 8; step > 0; step >>= 1) {
            const __m512i candidate = _mm512_add_epi32(index, _mm512_set1_epi32(step));
            const __mmask16 below = _mm512_cmp_ps_mask(_mm512_permutexvar_ps(candidate, table), al, _CMP_LE_OQ);
            index = _mm512_mask_mov_epi32(index, below, candidate);
        }
        index = _mm512_min_epi32(index, cap);
        const __m512 low = _mm512_permutexvar_ps(index, table);
        const __m512 high = _mm512_permutexvar_ps(_mm512_add_epi32(index, one), table);
        const __mmask16 nearer_low = _mm512_cmp_ps_mask(_mm512_sub_ps(al, low), _mm512_sub_ps(high, al), _CMP_LT_OQ);
        __m512 q = _mm512_mask_blend_ps(nearer_low, high, low);
        q = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(al, al, _CMP_UNORD_Q), q, top);
        const __m512 wq = _mm512_mul_ps(_mm512_set1_ps(w[j]), q);
        qx = _mm512_add_ps(qx, _mm512_mul_ps(wq, xj));
        q2 = _mm512_add_ps(q2, _mm512_mul_ps(wq, q));
    }
    _mm512_storeu_ps(sum_qx, qx);
    _mm512_storeu_ps(sum_q2, q2);
}

// levels[index] for indices 0...15 from two 8-entry halves.
__attribute__((target("avx2")))
static inline __m256 lookup16(__m256 low_half, __m256 high_half, __m256i index) {
    const __m256i upper = _mm256_cmpgt_epi32(index, _mm256_set1_epi32(7));
    return _mm256_blendv_ps(_mm256_permutevar8x32_ps(low_half, index), _mm256_permutevar8x32_ps(high_half, index),
                            _mm256_castsi256_ps(upper));
}

__attribute__((target("avx2")))
static void trials_avx2(const float *x, const float *w, const float *inverse, const float *levels,
                        float *sum_qx, float *sum_q2) {
    const __m256 low_half = _mm256_loadu_ps(levels), high_half = _mm256_loadu_ps(levels + 8);
    const __m256 top = _mm256_set1_ps(levels[15]);
    const __m256i one = _mm256_set1_epi32(1), cap = _mm256_set1_epi32(14);
    for (int half = 0; half < 2; ++half) {
        const __m256 scale = _mm256_loadu_ps(inverse + 8 * half);
        __m256 qx = _mm256_setzero_ps(), q2 = _mm256_setzero_ps();
        for (int j = 0; j < 32; ++j) {
            const __m256 xj = _mm256_set1_ps(x[j]);
            const __m256 al = _mm256_mul_ps(scale, xj);
            __m256i index = _mm256_setzero_si256();
            for (int step = 8; step > 0; step >>= 1) {
                const __m256i candidate = _mm256_add_epi32(index, _mm256_set1_epi32(step));
                const __m256 below = _mm256_cmp_ps(lookup16(low_half, high_half, candidate), al, _CMP_LE_OQ);
                index = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(index), _mm256_castsi256_ps(candidate), below));
            }
            index = _mm256_min_epi32(index, cap);
            const __m256 low = lookup16(low_half, high_half, index);
            const __m256 high = lookup16(low_half, high_half, _mm256_add_epi32(index, one));
            const __m256 nearer_low = _mm256_cmp_ps(_mm256_sub_ps(al, low), _mm256_sub_ps(high, al), _CMP_LT_OQ);
            __m256 q = _mm256_blendv_ps(high, low, nearer_low);
            q = _mm256_blendv_ps(q, top, _mm256_cmp_ps(al, al, _CMP_UNORD_Q));
            const __m256 wq = _mm256_mul_ps(_mm256_set1_ps(w[j]), q);
            qx = _mm256_add_ps(qx, _mm256_mul_ps(wq, xj));
            q2 = _mm256_add_ps(q2, _mm256_mul_ps(wq, q));
        }
        _mm256_storeu_ps(sum_qx + 8 * half, qx);
        _mm256_storeu_ps(sum_q2 + 8 * half, q2);
    }
}
#endif

int ggufkit_quant_simd_level(int wanted) {
#if defined(__x86_64__)
    const int available = cpu_level();
    return wanted < available ? (wanted < 0 ? 0 : wanted) : available;
#else
    (void)wanted;
    return 0;
#endif
}

void ggufkit_iq4_trial_sums(const float *x, const float *w, const float *inverse, const float *levels,
                            float *sum_qx, float *sum_q2, int level) {
#if defined(__x86_64__)
    if (level >= 2) {
        trials_avx512(x, w, inverse, levels, sum_qx, sum_q2);
        return;
    }
    if (level == 1) {
        trials_avx2(x, w, inverse, levels, sum_qx, sum_q2);
        return;
    }
#endif
    (void)x; (void)w; (void)inverse; (void)levels; (void)sum_qx; (void)sum_q2; (void)level;
}
