// Dot products of the 32-value block formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) with Q8_1 activation blocks.
// Per block: an exact integer sum of products, then scaled in float, as ggml's kernels do.
#include "dot_kernels.h"
#include "blocks.h"

static void dot_q4_0_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q4_0 *x = w;
    const gk_block_q8_1 *y = a;
    float sum = 0;
    for (int b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += ((x[b].qs[j] & 0xF) - 8) * y[b].qs[j] + ((x[b].qs[j] >> 4) - 8) * y[b].qs[j + 16];
        }
        sum += (float)isum * (gk_half_to_float(x[b].d) * y[b].d);
    }
    *s = sum;
}

static void dot_q4_1_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q4_1 *x = w;
    const gk_block_q8_1 *y = a;
    float sum = 0;
    for (int b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += (x[b].qs[j] & 0xF) * y[b].qs[j] + (x[b].qs[j] >> 4) * y[b].qs[j + 16];
        }
        sum += (float)isum * (gk_half_to_float(x[b].d) * y[b].d) +
               gk_half_to_float(x[b].m) * y[b].s;
    }
    *s = sum;
}

static void dot_q5_0_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q5_0 *x = w;
    const gk_block_q8_1 *y = a;
    float sum = 0;
    for (int b = 0; b < n / 32; b++) {
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (x[b].qs[j] & 0xF) | (((qh >> j) << 4) & 0x10);
            const int hi = (x[b].qs[j] >> 4) | ((qh >> (j + 12)) & 0x10);
            isum += (lo - 16) * y[b].qs[j] + (hi - 16) * y[b].qs[j + 16];
        }
        sum += (float)isum * (gk_half_to_float(x[b].d) * y[b].d);
    }
    *s = sum;
}

static void dot_q5_1_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q5_1 *x = w;
    const gk_block_q8_1 *y = a;
    float sum = 0;
    for (int b = 0; b < n / 32; b++) {
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            const int lo = (x[b].qs[j] & 0xF) | (((qh >> j) << 4) & 0x10);
            const int hi = (x[b].qs[j] >> 4) | ((qh >> (j + 12)) & 0x10);
            isum += lo * y[b].qs[j] + hi * y[b].qs[j + 16];
        }
        sum += (float)isum * (gk_half_to_float(x[b].d) * y[b].d) +
               gk_half_to_float(x[b].m) * y[b].s;
    }
    *s = sum;
}

static void dot_q8_0_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q8_0 *x = w;
    const gk_block_q8_1 *y = a;
    float sum = 0;
    for (int b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 32; j++) isum += x[b].qs[j] * y[b].qs[j];
        sum += (float)isum * (gk_half_to_float(x[b].d) * y[b].d);
    }
    *s = sum;
}

#if GK_X86
#define GK_TEMPLATE "legacy_x86.h"
#include "x86_levels.h"
#define GK_SIMD(name) name##_avx2, name##_avx512
#define GK_ROWS4(name) name##_avx512
// Batch kernels (gemm_q8_1.c).
GK_DECLARE_GEMM(q8_0);
GK_DECLARE_GEMM(q4_0);
GK_DECLARE_GEMM(q4_1);
GK_DECLARE_GEMM(q5_1);
GK_DECLARE_GEMM(q5_0);
#define GK_GEMM(name) gk_gemm_##name##_avx512
#else
#define GK_SIMD(name) NULL, NULL
#define GK_ROWS4(name) NULL
#define GK_GEMM(name) NULL
#endif

const gk_dot_kernel gk_dot_q4_0 = {GK_ACTIVATION_Q8_1, 32, dot_q4_0_scalar, GK_SIMD(dot_q4_0), GK_ROWS4(dot4_q4_0), GK_GEMM(q4_0)};
const gk_dot_kernel gk_dot_q4_1 = {GK_ACTIVATION_Q8_1, 32, dot_q4_1_scalar, GK_SIMD(dot_q4_1), NULL, GK_GEMM(q4_1)};
const gk_dot_kernel gk_dot_q5_0 = {GK_ACTIVATION_Q8_1, 32, dot_q5_0_scalar, GK_SIMD(dot_q5_0), NULL, GK_GEMM(q5_0)};
const gk_dot_kernel gk_dot_q5_1 = {GK_ACTIVATION_Q8_1, 32, dot_q5_1_scalar, GK_SIMD(dot_q5_1), NULL, GK_GEMM(q5_1)};
const gk_dot_kernel gk_dot_q8_0 = {GK_ACTIVATION_Q8_1, 32, dot_q8_0_scalar, GK_SIMD(dot_q8_0), NULL, GK_GEMM(q8_0)};
