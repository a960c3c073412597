// Dot products of half-precision weight rows with activations rounded to the same type, and plain F32 dots.
// F16 activations are held as the floats of their F16 rounding, so each weight value needs one conversion, not two.
// Products and sums are taken in F32, as ggml's F16/BF16 kernels do.
#include "dot_kernels.h"
#include "blocks.h"

static void dot_f16_scalar(int n, const void *w, const void *a, float *s) {
    const gk_half *x = w;
    const float *y = a;
    float sum = 0;
    for (int i = 0; i < n; i++) sum += gk_half_to_float(x[i]) * y[i];
    *s = sum;
}

static void dot_bf16_scalar(int n, const void *w, const void *a, float *s) {
    const uint16_t *x = w, *y = a;
    float sum = 0;
    for (int i = 0; i < n; i++) sum += gk_bf16_to_float(x[i]) * gk_bf16_to_float(y[i]);
    *s = sum;
}

static float dot_f32_scalar(int n, const float *x, const float *y) {
    float sum = 0;
    for (int i = 0; i < n; i++) sum += x[i] * y[i];
    return sum;
}

#if GK_X86
#define GK_TEMPLATE "floats_x86.h"
#include "x86_levels.h"
#define GK_SIMD(name) name##_avx2, name##_avx512
#else
#define GK_SIMD(name) NULL, NULL
#endif

const gk_dot_kernel gk_dot_f16 = {GK_ACTIVATION_F16, 1, dot_f16_scalar, GK_SIMD(dot_f16)};
const gk_dot_kernel gk_dot_bf16 = {GK_ACTIVATION_BF16, 1, dot_bf16_scalar, GK_SIMD(dot_bf16)};

float gk_dot_f32(int n, const float *x, const float *y, int level) {
    const int supported = gk_dot_cpu_level();
    if (level > supported) level = supported;
#if GK_X86
    if (level >= 1) return dot_f32_avx2(n, x, y);
#endif
    return dot_f32_scalar(n, x, y);
}
