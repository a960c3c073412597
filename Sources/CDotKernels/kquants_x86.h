// x86 template for kquants.c, compiled once per level by x86_levels.h. Byte products use maddubs (the first
// operand unsigned), then one madd with the 16-value groups' scales.

GK_KERNEL void GK_FN(dot_q2_K)(int n, const void *w, const void *a, float *s) {
    const gk_block_q2_K *x = w;
    const gk_block_q8_K *y = a;
    const __m256i m3 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const float dall = y[b].d * GK_H2F(x[b].d);
        const float dmin = -y[b].d * GK_H2F(x[b].dmin);
        const __m128i packed = _mm_loadu_si128((const __m128i *)x[b].scales);
        const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0F)));
        const __m256i minProducts = _mm256_madd_epi16(mins, _mm256_loadu_si256((const __m256i *)y[b].bsums));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(dmin), _mm256_cvtepi32_ps(minProducts), acc);
        const uint8_t *q2 = x[b].qs;
        const int8_t *q8 = y[b].qs;
        int8_t scales[16];
        _mm_storeu_si128((__m128i *)scales, _mm_and_si128(packed, _mm_set1_epi8(0x0F)));
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 2; c++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(q2 + 32 * c));
            const __m256i chunkScales = GK_FN(scales8_signed)(scales + 8 * c);
            for (int k = 0; k < 4; k++) {
                const int g = 8 * c + 2 * k;
                const __m256i q = _mm256_and_si256(_mm256_srli_epi16(bits, 2 * k), m3);
                const __m256i p = _mm256_maddubs_epi16(q, _mm256_loadu_si256((const __m256i *)(q8 + 16 * g)));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(GK_FN(scale_pick)(chunkScales, k), p));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(dall), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = GK_FN(hsum8)(acc);
}

GK_KERNEL void GK_FN(dot_q3_K)(int n, const void *w, const void *a, float *s) {
    const gk_block_q3_K *x = w;
    const gk_block_q8_K *y = a;
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i four = _mm256_set1_epi8(4);
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const float d = y[b].d * GK_H2F(x[b].d);
        int8_t scales[16];
        gk_q3_K_scales(x[b].scales, scales);
        const __m256i hbits = _mm256_loadu_si256((const __m256i *)x[b].hmask);
        const int8_t *q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 2; c++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x[b].qs + 32 * c));
            const __m256i chunkScales = GK_FN(scales8_signed)(scales + 8 * c);
            for (int k = 0; k < 4; k++) {
                const int group = 4 * c + k;  // also the high-bit index
                const __m256i low = _mm256_and_si256(_mm256_srli_epi16(bits, 2 * k), m3);
                const __m256i mask = _mm256_set1_epi8((char)(1 << group));
                // 4 where the high bit is clear: the value is low - 4 there.
                const __m256i clear = _mm256_cmpeq_epi8(_mm256_and_si256(hbits, mask), _mm256_setzero_si256());
                const __m256i high = _mm256_and_si256(clear, four);
                const __m256i q8v = _mm256_loadu_si256((const __m256i *)(q8 + 32 * group));
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(low, q8v), _mm256_maddubs_epi16(high, q8v));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(GK_FN(scale_pick)(chunkScales, k), p));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = GK_FN(hsum8)(acc);
}

/// Q4_K/Q5_K: the 8 scales (bytes 0-7) and 8 mins (bytes 8-15) unpacked from the 12 packed bytes.
GK_ATTR void GK_FN(unpack_k4)(const uint8_t *packed, uint8_t *out) {
    const uint32_t kmask1 = 0x3f3f3f3f, kmask2 = 0x0f0f0f0f, kmask3 = 0x03030303;
    uint32_t u[4];
    memcpy(u, packed, 12);
    u[3] = ((u[2] >> 4) & kmask2) | (((u[1] >> 6) & kmask3) << 4);
    const uint32_t mins = u[1] & kmask1;
    u[1] = (u[2] & kmask2) | (((u[0] >> 6) & kmask3) << 4);
    u[2] = mins;
    u[0] &= kmask1;
    memcpy(out, u, 16);
}

/// dmin · Σ_j min_j · (bsums[2j] + bsums[2j+1]), four int32 lanes.
GK_ATTR __m128 GK_FN(mins_k4)(const uint8_t *mins8, const int16_t *bsums, float dmin, __m128 acc) {
    const __m128i mins = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)mins8));
    const __m256i sums = _mm256_loadu_si256((const __m256i *)bsums);
    const __m128i pairs = _mm_hadd_epi16(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
    return _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(_mm_madd_epi16(mins, pairs)), acc);
}

GK_KERNEL void GK_FN(dot_q4_K)(int n, const void *w, const void *a, float *s) {
    const gk_block_q4_K *x = w;
    const gk_block_q8_K *y = a;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    __m128 accMins = _mm_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const float d = y[b].d * GK_H2F(x[b].d);
        const float dmin = -y[b].d * GK_H2F(x[b].dmin);
        uint8_t sm[16];
        GK_FN(unpack_k4)(x[b].scales, sm);
        accMins = GK_FN(mins_k4)(sm + 8, y[b].bsums, dmin, accMins);
        const uint8_t *q4 = x[b].qs;
        const int8_t *q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(q4 + 32 * j));
            const __m256i low = _mm256_and_si256(bits, m4);
            const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const __m256i pl = _mm256_maddubs_epi16(low, _mm256_loadu_si256((const __m256i *)(q8 + 64 * j)));
            const __m256i ph = _mm256_maddubs_epi16(high, _mm256_loadu_si256((const __m256i *)(q8 + 64 * j + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_set1_epi16(sm[2 * j]), pl));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_set1_epi16(sm[2 * j + 1]), ph));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = GK_FN(hsum8)(acc) + GK_FN(hsum4)(accMins);
}

GK_KERNEL void GK_FN(dot_q5_K)(int n, const void *w, const void *a, float *s) {
    const gk_block_q5_K *x = w;
    const gk_block_q8_K *y = a;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i sixteen = _mm256_set1_epi8(16);
    __m256 acc = _mm256_setzero_ps();
    __m128 accMins = _mm_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const float d = y[b].d * GK_H2F(x[b].d);
        const float dmin = -y[b].d * GK_H2F(x[b].dmin);
        uint8_t sm[16];
        GK_FN(unpack_k4)(x[b].scales, sm);
        accMins = GK_FN(mins_k4)(sm + 8, y[b].bsums, dmin, accMins);
        const __m256i hbits = _mm256_loadu_si256((const __m256i *)x[b].qh);
        const uint8_t *q5 = x[b].qs;
        const int8_t *q8 = y[b].qs;
        __m256i sumi = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(q5 + 32 * j));
            const __m256i maskLow = _mm256_set1_epi8((char)(1 << (2 * j)));
            const __m256i maskHigh = _mm256_set1_epi8((char)(2 << (2 * j)));
            const __m256i hl = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, maskLow), maskLow), sixteen);
            const __m256i hh = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(hbits, maskHigh), maskHigh), sixteen);
            const __m256i low = _mm256_or_si256(_mm256_and_si256(bits, m4), hl);
            const __m256i high = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), hh);
            const __m256i pl = _mm256_maddubs_epi16(low, _mm256_loadu_si256((const __m256i *)(q8 + 64 * j)));
            const __m256i ph = _mm256_maddubs_epi16(high, _mm256_loadu_si256((const __m256i *)(q8 + 64 * j + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_set1_epi16(sm[2 * j]), pl));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(_mm256_set1_epi16(sm[2 * j + 1]), ph));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = GK_FN(hsum8)(acc) + GK_FN(hsum4)(accMins);
}

GK_KERNEL void GK_FN(dot_q6_K)(int n, const void *w, const void *a, float *s) {
    const gk_block_q6_K *x = w;
    const gk_block_q8_K *y = a;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m2 = _mm256_set1_epi8(0x03);
    const __m256i m32 = _mm256_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (int b = 0; b < n / 256; b++) {
        const float d = y[b].d * GK_H2F(x[b].d);
        const int8_t *sc = x[b].scales;
        __m256i sumi = _mm256_setzero_si256();
        for (int c = 0; c < 2; c++) {
            const uint8_t *ql = x[b].ql + 64 * c;
            const __m256i bits1 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i bits2 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i hbits = _mm256_loadu_si256((const __m256i *)(x[b].qh + 32 * c));
            const __m256i chunkScales = GK_FN(scales8_signed)(sc + 8 * c);
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(bits1, m4), _mm256_slli_epi16(_mm256_and_si256(hbits, m2), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(bits2, m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2), m2), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits1, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 4), m2), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits2, 4), m4),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 6), m2), 4));
            for (int k = 0; k < 4; k++) {
                const int g = 8 * c + 2 * k;
                const __m256i q8v = _mm256_loadu_si256((const __m256i *)(y[b].qs + 16 * g));
                // (q - 32) · y = q · y - 32 · y
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[k], q8v), _mm256_maddubs_epi16(m32, q8v));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(GK_FN(scale_pick)(chunkScales, k), p));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = GK_FN(hsum8)(acc);
}
