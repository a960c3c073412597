// x86 template for floats.c, compiled once per level by x86_levels.h. Four accumulators of 8 lanes, then the tail.

GK_KERNEL void GK_FN(dot_f16)(int n, const void *w, const void *a, float *s) {
    const gk_half *x = w;
    const float *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int i = 0;
#if GK_VNNI
    // 512-bit conversions and products where the level has them; the 256-bit loop takes what is left.
    __m512 wide[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (; i + 64 <= n; i += 64) {
        for (int k = 0; k < 4; k++) {
            const __m512 xv = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(x + i + 16 * k)));
            const __m512 yv = _mm512_loadu_ps(y + i + 16 * k);
            wide[k] = _mm512_fmadd_ps(xv, yv, wide[k]);
        }
    }
    const __m512 folded = _mm512_add_ps(_mm512_add_ps(wide[0], wide[1]), _mm512_add_ps(wide[2], wide[3]));
    acc[0] = _mm256_add_ps(_mm512_castps512_ps256(folded), _mm512_extractf32x8_ps(folded, 1));
#endif
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8 * k)));
            const __m256 yv = _mm256_loadu_ps(y + i + 8 * k);
            acc[k] = _mm256_fmadd_ps(xv, yv, acc[k]);
        }
    }
    float sum = GK_FN(hsum8)(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += GK_H2F(x[i]) * y[i];
    *s = sum;
}

GK_ATTR __m256 GK_FN(bf16x8)(const uint16_t *p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

GK_KERNEL void GK_FN(dot_bf16)(int n, const void *w, const void *a, float *s) {
    const uint16_t *x = w, *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            acc[k] = _mm256_fmadd_ps(GK_FN(bf16x8)(x + i + 8 * k), GK_FN(bf16x8)(y + i + 8 * k), acc[k]);
        }
    }
    float sum = GK_FN(hsum8)(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += gk_bf16_to_float(x[i]) * gk_bf16_to_float(y[i]);
    *s = sum;
}

GK_ATTR float GK_FN(dot_f32)(int n, const float *x, const float *y) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            acc[k] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8 * k), _mm256_loadu_ps(y + i + 8 * k), acc[k]);
        }
    }
    float sum = GK_FN(hsum8)(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}
