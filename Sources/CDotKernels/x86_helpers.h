// Small AVX2-level helpers, compiled once per SIMD level (see x86_level.h). Included by the x86 kernel templates.
#define GK_CAT3_(a, b, c) a##b##c
#define GK_CAT3(a, b, c) GK_CAT3_(a, b, c)
/// `name` with the level's suffix, so each level gets its own copy.
#define GK_FN(name) GK_CAT3(name, _, GK_LEVEL)
#define GK_ATTR static inline __attribute__((target(GK_TARGET)))
#define GK_KERNEL static __attribute__((target(GK_TARGET)))

GK_ATTR float GK_FN(hsum8)(__m256 x) {
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

GK_ATTR float GK_FN(hsum4)(__m128 r) {
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

/// Σ of 4 adjacent (unsigned × signed) byte products per int32 lane.
GK_ATTR __m256i GK_FN(dot_u8s8)(__m256i u, __m256i s) {
#if GK_VNNI
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

/// Σ of 4 adjacent signed byte products per int32 lane (|x| moves the sign onto y).
GK_ATTR __m256i GK_FN(dot_s8s8)(__m256i x, __m256i y) {
    return GK_FN(dot_u8s8)(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

/// 16 bytes of packed nibbles → 32 bytes: low nibbles first, then high nibbles.
GK_ATTR __m256i GK_FN(nibbles32)(const uint8_t *p) {
    const __m128i packed = _mm_loadu_si128((const __m128i *)p);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// 32 bits → 32 bytes, 0xFF where the bit is set.
GK_ATTR __m256i GK_FN(bits32)(const uint8_t *p) {
    uint32_t bits;
    memcpy(&bits, p, 4);
    const __m256i shuffle = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), shuffle);
    bytes = _mm256_or_si256(bytes, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1));
}

/// Eight 16-value group scales (int16) in both 128-bit lanes, for ``scale_pick``.
GK_ATTR __m256i GK_FN(scales8_signed)(const int8_t *scales) {
    return _mm256_broadcastsi128_si256(_mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)scales)));
}

/// From eight scales laid out by scales8_*: int16 lanes 0-7 = scale 2k, lanes 8-15 = scale 2k+1 (one shuffle).
GK_ATTR __m256i GK_FN(scale_pick)(__m256i scales, int k) {
    const __m128i low = _mm_set1_epi16((short)(((4 * k + 1) << 8) | (4 * k)));
    const __m128i high = _mm_set1_epi16((short)(((4 * k + 3) << 8) | (4 * k + 2)));
    return _mm256_shuffle_epi8(scales, _mm256_set_m128i(high, low));
}


/// Half → float by table (filled by gk_dot_cpu_level before any kernel is selected): a scalar `vcvtph2ps` would
/// need its operand inserted into a live register, which chains each block to the previous block's accumulator.
#define GK_H2F(h) (gk_half_table[(h)])
