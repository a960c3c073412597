// x86 template for nonlinear4.c, compiled once per level by x86_levels.h: the 16 levels sit in a register and one
// byte shuffle turns 32 codes into 32 signed values.

GK_ATTR __m256i GK_FN(iq4_values)(const uint8_t *codes) {
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)gk_iq4_levels));
    return _mm256_shuffle_epi8(levels, GK_FN(nibbles32)(codes));
}

GK_KERNEL void GK_FN(dot_iq4_nl)(int n, const void *w, const void *a, float *s) {
    const gk_block_iq4_nl *x = w;
    const gk_block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 32; b++) {
        const float d = GK_H2F(x[b].d) * y[b].d;
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[b].qs);
        const __m256i sums = GK_FN(dot_s8s8)(GK_FN(iq4_values)(x[b].qs), qy);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sums), acc);
    }
    *s = GK_FN(hsum8)(acc);
}

GK_KERNEL void GK_FN(dot_iq4_xs)(int n, const void *w, const void *a, float *s) {
    const gk_block_iq4_xs *x = w;
    const gk_block_q8_K *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ib++) {
            const __m256i qy = _mm256_loadu_si256((const __m256i *)(y[b].qs + 32 * ib));
            const __m256i sums = GK_FN(dot_s8s8)(GK_FN(iq4_values)(x[b].qs + 16 * ib), qy);
            sumi = _mm256_add_epi32(sumi, _mm256_mullo_epi32(sums, _mm256_set1_epi32(iq4_xs_scale(&x[b], ib))));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(GK_H2F(x[b].d) * y[b].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = GK_FN(hsum8)(acc);
}
