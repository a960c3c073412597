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

#if GK_VNNI
/// Four Q4_0 rows against one activation row: row k's nibbles fill 128-bit lane k, the activation's halves are
/// broadcast to every lane, and the four rows' block scales form one vector. The nibbles stay unsigned for vpdpbusd;
/// the -8 offset returns as 8 × Σ activations, computed once for all four rows.
GK_KERNEL void GK_FN(dot4_q4_0)(int n, const void *w, size_t stride, const void *a, float *s) {
    const uint8_t *base = w;
    const gk_block_q4_0 *x0 = w, *x1 = (const void *)(base + stride), *x2 = (const void *)(base + 2 * stride),
                        *x3 = (const void *)(base + 3 * stride);
    const gk_block_q8_1 *y = a;
    const __m512i low4 = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8);
    const __m512i lane_of_row = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    __m512 acc = _mm512_setzero_ps();
    for (int b = 0; b < n / 32; b++) {
        __m512i packed = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)x0[b].qs));
        packed = _mm512_inserti32x4(packed, _mm_loadu_si128((const __m128i *)x1[b].qs), 1);
        packed = _mm512_inserti32x4(packed, _mm_loadu_si128((const __m128i *)x2[b].qs), 2);
        packed = _mm512_inserti32x4(packed, _mm_loadu_si128((const __m128i *)x3[b].qs), 3);
        const __m512i low = _mm512_and_si512(packed, low4);
        const __m512i high = _mm512_and_si512(_mm512_srli_epi16(packed, 4), low4);
        const __m512i y_low = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)y[b].qs));
        const __m512i y_high = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(y[b].qs + 16)));
        const __m512i offset = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), eight, y_low), eight, y_high);
        const __m512i products = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), low, y_low), high, y_high);
        const __m128 scales = _mm_mul_ps(_mm_set_ps(GK_H2F(x3[b].d), GK_H2F(x2[b].d), GK_H2F(x1[b].d), GK_H2F(x0[b].d)),
                                         _mm_set1_ps(y[b].d));
        acc = _mm512_fmadd_ps(_mm512_permutexvar_ps(lane_of_row, _mm512_castps128_ps512(scales)),
                              _mm512_cvtepi32_ps(_mm512_sub_epi32(products, offset)), acc);
    }
    // Lane k of `pairs` twice over: [r0 r0 r2 r2 | r1 r1 r3 r3] partial sums, then one more add per row.
    const __m256 pairs = _mm256_hadd_ps(_mm512_castps512_ps256(acc), _mm512_extractf32x8_ps(acc, 1));
    const __m256 totals = _mm256_hadd_ps(pairs, pairs);
    s[0] = _mm256_cvtss_f32(totals);
    s[2] = _mm_cvtss_f32(_mm_shuffle_ps(_mm256_castps256_ps128(totals), _mm256_castps256_ps128(totals), 1));
    const __m128 upper = _mm256_extractf128_ps(totals, 1);
    s[1] = _mm_cvtss_f32(upper);
    s[3] = _mm_cvtss_f32(_mm_shuffle_ps(upper, upper, 1));
}
#endif
