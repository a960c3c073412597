// x86 template for legacy.c, compiled once per level by x86_levels.h.

GK_KERNEL void GK_FN(dot_q4_0)(int n, const void *w, const void *a, float *s) {
    const gk_block_q4_0 *x = w;
    const gk_block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 32; b++) {
        const float d = GK_H2F(x[b].d) * y[b].d;
        const __m256i qx = _mm256_sub_epi8(GK_FN(nibbles32)(x[b].qs), _mm256_set1_epi8(8));
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[b].qs);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(GK_FN(dot_s8s8)(qx, qy)), acc);
    }
    *s = GK_FN(hsum8)(acc);
}

GK_KERNEL void GK_FN(dot_q4_1)(int n, const void *w, const void *a, float *s) {
    const gk_block_q4_1 *x = w;
    const gk_block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    float mins = 0;
    for (int b = 0; b < n / 32; b++) {
        const float d = GK_H2F(x[b].d) * y[b].d;
        mins += GK_H2F(x[b].m) * y[b].s;
        const __m256i qx = GK_FN(nibbles32)(x[b].qs);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[b].qs);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(GK_FN(dot_u8s8)(qx, qy)), acc);
    }
    *s = GK_FN(hsum8)(acc) + mins;
}

GK_KERNEL void GK_FN(dot_q5_0)(int n, const void *w, const void *a, float *s) {
    const gk_block_q5_0 *x = w;
    const gk_block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 32; b++) {
        const float d = GK_H2F(x[b].d) * y[b].d;
        // value - 16 as a signed byte: nibble | 0xF0 where the fifth bit is clear.
        const __m256i high = _mm256_andnot_si256(GK_FN(bits32)(x[b].qh), _mm256_set1_epi8((char)0xF0));
        const __m256i qx = _mm256_or_si256(GK_FN(nibbles32)(x[b].qs), high);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[b].qs);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(GK_FN(dot_s8s8)(qx, qy)), acc);
    }
    *s = GK_FN(hsum8)(acc);
}

GK_KERNEL void GK_FN(dot_q5_1)(int n, const void *w, const void *a, float *s) {
    const gk_block_q5_1 *x = w;
    const gk_block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    float mins = 0;
    for (int b = 0; b < n / 32; b++) {
        const float d = GK_H2F(x[b].d) * y[b].d;
        mins += GK_H2F(x[b].m) * y[b].s;
        const __m256i high = _mm256_and_si256(GK_FN(bits32)(x[b].qh), _mm256_set1_epi8(0x10));
        const __m256i qx = _mm256_or_si256(GK_FN(nibbles32)(x[b].qs), high);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[b].qs);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(GK_FN(dot_u8s8)(qx, qy)), acc);
    }
    *s = GK_FN(hsum8)(acc) + mins;
}

GK_KERNEL void GK_FN(dot_q8_0)(int n, const void *w, const void *a, float *s) {
    const gk_block_q8_0 *x = w;
    const gk_block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 32; b++) {
        const float d = GK_H2F(x[b].d) * y[b].d;
        const __m256i qx = _mm256_loadu_si256((const __m256i *)x[b].qs);
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[b].qs);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(GK_FN(dot_s8s8)(qx, qy)), acc);
    }
    *s = GK_FN(hsum8)(acc);
}
