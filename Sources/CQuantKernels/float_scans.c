#include "quant_kernels.h"

#include <string.h>

// Explicit 16-lane vectors (clang's vector extension), built once for the baseline target and
// once for AVX2, picked at run time.
typedef int16_t v16s __attribute__((ext_vector_type(16)));

static inline __attribute__((always_inline)) uint16_t bf16_peak(const uint16_t *x, size_t n) {
    v16s peak = (v16s)0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        v16s v;
        memcpy(&v, x + i, sizeof v);
        v &= (v16s)0x7FFF;
        // Exponent all ones (NaN, infinity) counts as zero; magnitudes fit int16 once the
        // sign is cleared, so a signed max is exact.
        v &= (v < (v16s)0x7F80);
        peak = __builtin_elementwise_max(peak, v);
    }
    int16_t result = __builtin_reduce_max(peak);
    for (; i < n; ++i) {
        int16_t magnitude = (int16_t)(x[i] & 0x7FFF);
        if (magnitude < 0x7F80 && magnitude > result) result = magnitude;
    }
    return (uint16_t)result;
}

static uint16_t bf16_peak_generic(const uint16_t *x, size_t n) { return bf16_peak(x, n); }

#if defined(__x86_64__)
__attribute__((target("avx2"))) static uint16_t bf16_peak_avx2(const uint16_t *x, size_t n) {
    return bf16_peak(x, n);
}
#endif

uint16_t ggufkit_bf16_largest_finite_magnitude(const uint16_t *x, size_t count, int level) {
#if defined(__x86_64__)
    if (level >= 1) return bf16_peak_avx2(x, count);
#endif
    (void)level;
    return bf16_peak_generic(x, count);
}

// BF16 is the top half of an F32: widening is a shift, which the compiler vectorizes.
static inline __attribute__((always_inline)) void bf16_widen(const uint16_t *x, uint32_t *out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = (uint32_t)x[i] << 16;
}

static void bf16_widen_generic(const uint16_t *x, uint32_t *out, size_t n) { bf16_widen(x, out, n); }

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void bf16_widen_avx2(const uint16_t *x, uint32_t *out, size_t n) {
    bf16_widen(x, out, n);
}
#endif

void ggufkit_bf16_to_f32_bits(const uint16_t *x, uint32_t *out, size_t count, int level) {
#if defined(__x86_64__)
    if (level >= 1) {
        bf16_widen_avx2(x, out, count);
        return;
    }
#endif
    (void)level;
    bf16_widen_generic(x, out, count);
}
