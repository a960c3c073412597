#include "quant_kernels.h"

// Each lane must round exactly like the scalar loop: no contraction of a*b+c into one FMA.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__)
#include <immintrin.h>

// One kernel for both grid shapes: `dims` coordinates per point, `table` padded to 16 entries.
__attribute__((target("avx512f")))
static void distances_avx512(const int8_t *levels, int count, int stride, int dims, const float *table,
                             const float *x, const float *w, float scale, float *d2) {
    const __m512 values = _mm512_loadu_ps(table);
    const __m512 s = _mm512_set1_ps(scale);
    for (int k = 0; k < count; k += 16) {
        __m512 sum = _mm512_setzero_ps();
        for (int i = 0; i < dims; ++i) {
            const __m512i index = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(levels + i * stride + k)));
            const __m512 difference = _mm512_sub_ps(_mm512_mul_ps(s, _mm512_permutexvar_ps(index, values)),
                                                    _mm512_set1_ps(x[i]));
            sum = _mm512_add_ps(sum, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(w[i]), difference), difference));
        }
        _mm512_storeu_ps(d2 + k, sum);
    }
}

__attribute__((target("avx2")))
static void distances_avx2(const int8_t *levels, int count, int stride, int dims, const float *table,
                           const float *x, const float *w, float scale, float *d2) {
    const __m256 values = _mm256_loadu_ps(table);
    const __m256 s = _mm256_set1_ps(scale);
    for (int k = 0; k < count; k += 8) {
        __m256 sum = _mm256_setzero_ps();
        for (int i = 0; i < dims; ++i) {
            const __m256i index = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(levels + i * stride + k)));
            const __m256 difference = _mm256_sub_ps(_mm256_mul_ps(s, _mm256_permutevar8x32_ps(values, index)),
                                                    _mm256_set1_ps(x[i]));
            sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(w[i]), difference), difference));
        }
        _mm256_storeu_ps(d2 + k, sum);
    }
}
#endif

// `value_count` entries of `values`, zero-padded to the 16 the kernels load.
static void distances(const int8_t *levels, int count, int stride, int dims, const float *values, int value_count,
                      const float *x, const float *w, float scale, float *d2, int level) {
#if defined(__x86_64__)
    float table[16] = {0};
    for (int i = 0; i < value_count; ++i) table[i] = values[i];
    if (level >= 2) {
        distances_avx512(levels, count, stride, dims, table, x, w, scale, d2);
    } else if (level == 1) {
        distances_avx2(levels, count, stride, dims, table, x, w, scale, d2);
    }
#else
    (void)levels; (void)count; (void)stride; (void)dims; (void)values; (void)value_count;
    (void)x; (void)w; (void)scale; (void)d2; (void)level;
#endif
}

void ggufkit_lattice_distances(const int8_t *levels, int count, int stride, const float *values, const float *x,
                               const float *w, float scale, float *d2, int level) {
    distances(levels, count, stride, 8, values, 3, x, w, scale, d2, level);
}

void ggufkit_d4_distances(const int8_t *levels, int count, int stride, const float *values, const float *x,
                          const float *w, float scale, float *d2, int level) {
    distances(levels, count, stride, 4, values, 8, x, w, scale, d2, level);
}
