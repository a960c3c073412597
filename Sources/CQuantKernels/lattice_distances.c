#include "quant_kernels.h"

// Each lane must round exactly like the scalar loop: no contraction of a*b+c into one FMA.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static void distances_avx512(const int8_t *levels, int count, int stride, const float *values, const float *x,
                             const float *w, float scale, float *d2) {
    const __m512 table = _mm512_setr_ps(values[0], values[1], values[2], values[3], 0, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0, 0);
    const __m512 s = _mm512_set1_ps(scale);
    for (int k = 0; k < count; k += 16) {
        __m512 sum = _mm512_setzero_ps();
        for (int i = 0; i < 8; ++i) {
            const __m512i index = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(levels + i * stride + k)));
            const __m512 difference = _mm512_sub_ps(_mm512_mul_ps(s, _mm512_permutexvar_ps(index, table)),
                                                    _mm512_set1_ps(x[i]));
            sum = _mm512_add_ps(sum, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(w[i]), difference), difference));
        }
        _mm512_storeu_ps(d2 + k, sum);
    }
}

__attribute__((target("avx2")))
static void distances_avx2(const int8_t *levels, int count, int stride, const float *values, const float *x,
                           const float *w, float scale, float *d2) {
    const __m256 table = _mm256_setr_ps(values[0], values[1], values[2], values[3], 0, 0, 0, 0);
    const __m256 s = _mm256_set1_ps(scale);
    for (int k = 0; k < count; k += 8) {
        __m256 sum = _mm256_setzero_ps();
        for (int i = 0; i < 8; ++i) {
            const __m256i index = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(levels + i * stride + k)));
            const __m256 difference = _mm256_sub_ps(_mm256_mul_ps(s, _mm256_permutevar8x32_ps(table, index)),
                                                    _mm256_set1_ps(x[i]));
            sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(w[i]), difference), difference));
        }
        _mm256_storeu_ps(d2 + k, sum);
    }
}

__attribute__((target("avx512f")))
static void d4_avx512(const int8_t *levels, int count, int stride, const float *values, const float *x,
                      const float *w, float scale, float *d2) {
    const __m512 table = _mm512_setr_ps(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                                        values[7], 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512 s = _mm512_set1_ps(scale);
    for (int k = 0; k < count; k += 16) {
        __m512 sum = _mm512_setzero_ps();
        for (int i = 0; i < 4; ++i) {
            const __m512i index = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(levels + i * stride + k)));
            const __m512 difference = _mm512_sub_ps(_mm512_mul_ps(s, _mm512_permutexvar_ps(index, table)),
                                                    _mm512_set1_ps(x[i]));
            sum = _mm512_add_ps(sum, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(w[i]), difference), difference));
        }
        _mm512_storeu_ps(d2 + k, sum);
    }
}

__attribute__((target("avx2")))
static void d4_avx2(const int8_t *levels, int count, int stride, const float *values, const float *x,
                    const float *w, float scale, float *d2) {
    const __m256 table = _mm256_loadu_ps(values);
    const __m256 s = _mm256_set1_ps(scale);
    for (int k = 0; k < count; k += 8) {
        __m256 sum = _mm256_setzero_ps();
        for (int i = 0; i < 4; ++i) {
            const __m256i index = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(levels + i * stride + k)));
            const __m256 difference = _mm256_sub_ps(_mm256_mul_ps(s, _mm256_permutevar8x32_ps(table, index)),
                                                    _mm256_set1_ps(x[i]));
            sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(w[i]), difference), difference));
        }
        _mm256_storeu_ps(d2 + k, sum);
    }
}
#endif

void ggufkit_d4_distances(const int8_t *levels, int count, int stride, const float *values, const float *x,
                          const float *w, float scale, float *d2, int level) {
#if defined(__x86_64__)
    if (level >= 2) {
        d4_avx512(levels, count, stride, values, x, w, scale, d2);
        return;
    }
    if (level == 1) {
        d4_avx2(levels, count, stride, values, x, w, scale, d2);
        return;
    }
#endif
    (void)levels; (void)count; (void)stride; (void)values; (void)x; (void)w; (void)scale; (void)d2; (void)level;
}

void ggufkit_lattice_distances(const int8_t *levels, int count, int stride, const float *values, const float *x,
                               const float *w, float scale, float *d2, int level) {
#if defined(__x86_64__)
    if (level >= 2) {
        distances_avx512(levels, count, stride, values, x, w, scale, d2);
        return;
    }
    if (level == 1) {
        distances_avx2(levels, count, stride, values, x, w, scale, d2);
        return;
    }
#endif
    (void)levels; (void)count; (void)stride; (void)values; (void)x; (void)w; (void)scale; (void)d2; (void)level;
}
