// ggml's block layouts (little-endian, packed as ggml packs them) and scalar half/bfloat conversions.
#ifndef GGUFKIT_DOT_BLOCKS_H
#define GGUFKIT_DOT_BLOCKS_H

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define GK_X86 1
#else
#define GK_X86 0
#endif

typedef uint16_t gk_half;

/// Every half value as a float (65536 entries), filled once by gk_dot_cpu_level.
extern float gk_half_table[65536];

typedef struct { gk_half d; uint8_t qs[16]; } gk_block_q4_0;
typedef struct { gk_half d; gk_half m; uint8_t qs[16]; } gk_block_q4_1;
typedef struct { gk_half d; uint8_t qh[4]; uint8_t qs[16]; } gk_block_q5_0;
typedef struct { gk_half d; gk_half m; uint8_t qh[4]; uint8_t qs[16]; } gk_block_q5_1;
typedef struct { gk_half d; int8_t qs[32]; } gk_block_q8_0;
/// The 32-value activation block: ggml's block_q8_1 values (scale rounded to F16, int8 values) with the scale and
/// the scale × sum kept as floats, so kernels need no conversion and the Q4_1/Q5_1 min term is not rounded again.
typedef struct { float d; float s; int8_t qs[32]; } gk_block_q8_1;
typedef struct { uint8_t scales[16]; uint8_t qs[64]; gk_half d; gk_half dmin; } gk_block_q2_K;
typedef struct { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; gk_half d; } gk_block_q3_K;
typedef struct { gk_half d; gk_half dmin; uint8_t scales[12]; uint8_t qs[128]; } gk_block_q4_K;
typedef struct { gk_half d; gk_half dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } gk_block_q5_K;
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; gk_half d; } gk_block_q6_K;
typedef struct { float d; int8_t qs[256]; int16_t bsums[16]; } gk_block_q8_K;
typedef struct { gk_half d; uint8_t qs[16]; } gk_block_iq4_nl;
typedef struct { gk_half d; uint16_t scales_h; uint8_t scales_l[4]; uint8_t qs[128]; } gk_block_iq4_xs;

/// The 16 levels of IQ4_NL and IQ4_XS (ggml's kvalues_iq4nl; the decoder tests compare against the format's table).
static const int8_t gk_iq4_levels[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

_Static_assert(sizeof(gk_block_q4_0) == 18, "q4_0");
_Static_assert(sizeof(gk_block_q4_1) == 20, "q4_1");
_Static_assert(sizeof(gk_block_q5_0) == 22, "q5_0");
_Static_assert(sizeof(gk_block_q5_1) == 24, "q5_1");
_Static_assert(sizeof(gk_block_q8_0) == 34, "q8_0");
_Static_assert(sizeof(gk_block_q8_1) == 40, "q8_1");
_Static_assert(sizeof(gk_block_q2_K) == 84, "q2_K");
_Static_assert(sizeof(gk_block_q3_K) == 110, "q3_K");
_Static_assert(sizeof(gk_block_q4_K) == 144, "q4_K");
_Static_assert(sizeof(gk_block_q5_K) == 176, "q5_K");
_Static_assert(sizeof(gk_block_q6_K) == 210, "q6_K");
_Static_assert(sizeof(gk_block_q8_K) == 292, "q8_K");
_Static_assert(sizeof(gk_block_iq4_nl) == 18, "iq4_nl");
_Static_assert(sizeof(gk_block_iq4_xs) == 136, "iq4_xs");

static inline float gk_bits_float(uint32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline uint32_t gk_float_bits(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

/// IEEE half → float, exact for every input (subnormals, infinities, NaN payloads).
static inline float gk_half_to_float(gk_half h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    if (exponent == 0x1f) return gk_bits_float(sign | 0x7f800000 | (mantissa << 13));
    if (exponent != 0) return gk_bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
    if (mantissa == 0) return gk_bits_float(sign);
    // Subnormal: value = mantissa · 2⁻²⁴, exact in float.
    float value = (float)mantissa * 5.9604644775390625e-8f;
    return sign ? -value : value;
}

/// float → IEEE half, rounding to nearest even (what F16C's vcvtps2ph with mode 0 does).
static inline gk_half gk_float_to_half(float f) {
    const uint32_t bits = gk_float_bits(f);
    const uint32_t sign = (bits >> 16) & 0x8000;
    const uint32_t magnitude = bits & 0x7fffffff;
    if (magnitude >= 0x7f800000) {  // Inf or NaN (NaN keeps a quiet payload)
        return (gk_half)(sign | 0x7c00 | (magnitude > 0x7f800000 ? (0x200 | ((magnitude >> 13) & 0x3ff)) : 0));
    }
    if (magnitude >= 0x477ff000) return (gk_half)(sign | 0x7c00);  // rounds to ≥ 65520: infinity
    if (magnitude < 0x38800000) {  // below the smallest normal half: round in units of 2⁻²⁴
        const float scaled = gk_bits_float(magnitude) * 16777216.0f;  // exact (power of two)
        // Round half to even with the 2²³ trick: values are below 2¹⁰.
        const float rounded = (scaled + 8388608.0f) - 8388608.0f;
        return (gk_half)(sign | (uint32_t)rounded);
    }
    // Normal: drop 13 mantissa bits, rounding to nearest even; a carry moves into the exponent correctly.
    const uint32_t rebased = magnitude - 0x38000000;  // exponent 127 → 15
    const uint32_t lsb = (rebased >> 13) & 1;
    return (gk_half)(sign | ((rebased + 0xfff + lsb) >> 13));
}

static inline float gk_bf16_to_float(uint16_t h) { return gk_bits_float((uint32_t)h << 16); }

/// float → bfloat16 as ggml rounds it: nearest even, NaN kept quiet.
static inline uint16_t gk_float_to_bf16(float f) {
    uint32_t bits = gk_float_bits(f);
    if ((bits & 0x7fffffff) > 0x7f800000) return (uint16_t)((bits >> 16) | 64);
    return (uint16_t)((bits + (0x7fff + ((bits >> 16) & 1))) >> 16);
}

/// ggml's nearest_int: round half to even for |v| ≤ 2²².
static inline int gk_nearest_int(float v) {
    const float shifted = v + 12582912.0f;
    int32_t i;
    memcpy(&i, &shifted, 4);
    return (i & 0x007fffff) - 0x00400000;
}

/// Q4_K/Q5_K 6-bit scale and min of sub-block j (0...7) from the 12 packed bytes.
static inline void gk_scale_min_k4(int j, const uint8_t *q, uint8_t *scale, uint8_t *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/// Q3_K's 16 signed 6-bit scales (stored with a +32 offset) from the 12 packed bytes.
static inline void gk_q3_K_scales(const uint8_t *packed, int8_t *scales) {
    uint32_t aux[4];
    memcpy(aux, packed, 12);
    const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
    const uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
    aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
    uint8_t bytes[16];
    memcpy(bytes, aux, 16);
    for (int i = 0; i < 16; i++) scales[i] = (int8_t)(bytes[i] - 32);
}

/// Declares the batch kernel `gk_gemm_<name>_avx512` (a ``gk_gemm_function``) that a gemm_*.c file defines.
#define GK_DECLARE_GEMM(name)                                                                                          \
    void gk_gemm_##name##_avx512(int n, const void *weights, size_t weight_row_bytes, int rows,                        \
                                 const void *activations, size_t activation_row_bytes, const float *sums, int m,       \
                                 float *out, size_t out_stride, int accumulate, void *scratch)

#endif
