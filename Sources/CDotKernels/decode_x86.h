// Hand-vectorised row decoders for the types whose plain loops the compiler leaves scalar (the K-quants' unpacking
// defeats its vectoriser), compiled once per x86 level by decode.c. Values are bit-equal to decode_body.h's: each
// product is rounded as there (scale × value, then − min; no fused multiply-add).
// Expects GK_DECODE_ATTR and GK_DN(name), like decode_body.h.

/// Eight bytes from `bytes` (unsigned) as floats.
#define GK_U8X8(bytes) _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes))
/// Eight bytes from `bytes` (signed) as floats.
#define GK_S8X8(bytes) _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes))

/// 32 unsigned values (one 256-bit register of bytes) → `scale × value − min` at y[0 ..< 32].
GK_DECODE_ATTR void GK_DN(store_scaled_u8x32)(__m256i q, __m256 scale, __m256 min, float *y) {
    const __m128i halves[2] = {_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1)};
    for (int h = 0; h < 2; h++) {
        _mm256_storeu_ps(y + 16 * h, _mm256_sub_ps(_mm256_mul_ps(scale, GK_U8X8(halves[h])), min));
        _mm256_storeu_ps(y + 16 * h + 8, _mm256_sub_ps(_mm256_mul_ps(scale, GK_U8X8(_mm_srli_si128(halves[h], 8))), min));
    }
}

GK_DECODE_ATTR void GK_DN(decode_q4_K_simd)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q4_K *restrict x = w;
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d], dmin = gk_half_table[x[b].dmin];
        const uint8_t *q = x[b].qs;
        for (int j = 0; j < 8; j += 2, q += 32, y += 64) {
            uint8_t sc, mn;
            gk_scale_min_k4(j, x[b].scales, &sc, &mn);
            const float d1 = d * (float)sc, m1 = dmin * (float)mn;
            gk_scale_min_k4(j + 1, x[b].scales, &sc, &mn);
            const float d2 = d * (float)sc, m2 = dmin * (float)mn;
            const __m256i packed = _mm256_loadu_si256((const __m256i *)q);
            GK_DN(store_scaled_u8x32)(_mm256_and_si256(packed, low4), _mm256_set1_ps(d1), _mm256_set1_ps(m1), y);
            GK_DN(store_scaled_u8x32)(_mm256_and_si256(_mm256_srli_epi16(packed, 4), low4), _mm256_set1_ps(d2),
                                      _mm256_set1_ps(m2), y + 32);
        }
    }
}

/// 32 signed values → `scales[0] × value` for the first 16 and `scales[1] ×` for the last 16.
GK_DECODE_ATTR void GK_DN(store_scaled_s8x32)(__m256i q, float scale0, float scale1, float *y) {
    const __m128i halves[2] = {_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1)};
    for (int h = 0; h < 2; h++) {
        const __m256 scale = _mm256_set1_ps(h == 0 ? scale0 : scale1);
        _mm256_storeu_ps(y + 16 * h, _mm256_mul_ps(scale, GK_S8X8(halves[h])));
        _mm256_storeu_ps(y + 16 * h + 8, _mm256_mul_ps(scale, GK_S8X8(_mm_srli_si128(halves[h], 8))));
    }
}

GK_DECODE_ATTR void GK_DN(decode_q6_K_simd)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q6_K *restrict x = w;
    const __m256i low4 = _mm256_set1_epi8(0x0F), bits45 = _mm256_set1_epi8(0x30), offset = _mm256_set1_epi8(32);
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d];
        const uint8_t *ql = x[b].ql, *qh = x[b].qh;
        const int8_t *sc = x[b].scales;
        for (int c = 0; c < 2; c++, y += 128, ql += 64, qh += 32, sc += 8) {
            const __m256i low = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i high = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i bits = _mm256_loadu_si256((const __m256i *)qh);
            // Byte shifts done as 16-bit shifts; the masks drop what crosses from the neighbouring byte.
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(low, low4), _mm256_and_si256(_mm256_slli_epi16(bits, 4), bits45));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(high, low4), _mm256_and_si256(_mm256_slli_epi16(bits, 2), bits45));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(low, 4), low4), _mm256_and_si256(bits, bits45));
            const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(high, 4), low4),
                                               _mm256_and_si256(_mm256_srli_epi16(bits, 2), bits45));
            GK_DN(store_scaled_s8x32)(_mm256_sub_epi8(q1, offset), d * (float)sc[0], d * (float)sc[1], y);
            GK_DN(store_scaled_s8x32)(_mm256_sub_epi8(q2, offset), d * (float)sc[2], d * (float)sc[3], y + 32);
            GK_DN(store_scaled_s8x32)(_mm256_sub_epi8(q3, offset), d * (float)sc[4], d * (float)sc[5], y + 64);
            GK_DN(store_scaled_s8x32)(_mm256_sub_epi8(q4, offset), d * (float)sc[6], d * (float)sc[7], y + 96);
        }
    }
}

#undef GK_U8X8
#undef GK_S8X8
