// Dot products of the 256-value K-quant super-blocks (Q2_K ... Q6_K) with Q8_K activation blocks.
// Integer sums per sub-block times the sub-block scale, the super-block's scales applied once in float, and the
// mins term taken from the activation block's 16-value sums, as ggml's kernels do.
#include "dot_kernels.h"
#include "blocks.h"

static void dot_q2_K_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q2_K *x = w;
    const gk_block_q8_K *y = a;
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
        int mins = 0;
        for (int g = 0; g < 16; g++) mins += (x[b].scales[g] >> 4) * y[b].bsums[g];
        int isum = 0;
        for (int g = 0; g < 16; g++) {
            // Group g covers values 16g ..< 16g+16: chunk g/8 of 128 values, shift 2·((g/2)%4).
            const uint8_t *q2 = x[b].qs + 32 * (g / 8) + 16 * (g % 2);
            const int shift = 2 * ((g / 2) % 4);
            const int8_t *q8 = y[b].qs + 16 * g;
            int group = 0;
            for (int l = 0; l < 16; l++) group += q8[l] * ((q2[l] >> shift) & 3);
            isum += (x[b].scales[g] & 0xF) * group;
        }
        const float dall = y[b].d * gk_half_to_float(x[b].d);
        const float dmin = y[b].d * gk_half_to_float(x[b].dmin);
        sum += dall * (float)isum - dmin * (float)mins;
    }
    *s = sum;
}

static void dot_q3_K_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q3_K *x = w;
    const gk_block_q8_K *y = a;
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
        int8_t scales[16];
        gk_q3_K_scales(x[b].scales, scales);
        int isum = 0;
        for (int g = 0; g < 16; g++) {
            const int k = g / 2;  // 32-value group: chunk k/4, shift 2·(k%4), high bit k
            const uint8_t *q3 = x[b].qs + 32 * (k / 4) + 16 * (g % 2);
            const uint8_t *hm = x[b].hmask + 16 * (g % 2);
            const int shift = 2 * (k % 4);
            const int8_t *q8 = y[b].qs + 16 * g;
            int group = 0;
            for (int l = 0; l < 16; l++) {
                const int v = ((q3[l] >> shift) & 3) - ((hm[l] >> k) & 1 ? 0 : 4);
                group += q8[l] * v;
            }
            isum += scales[g] * group;
        }
        sum += y[b].d * gk_half_to_float(x[b].d) * (float)isum;
    }
    *s = sum;
}

static void dot_q4_K_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q4_K *x = w;
    const gk_block_q8_K *y = a;
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
        int isum = 0, mins = 0;
        for (int j = 0; j < 8; j++) {
            uint8_t scale, min;
            gk_scale_min_k4(j, x[b].scales, &scale, &min);
            const uint8_t *q4 = x[b].qs + 32 * (j / 2);
            const int shift = 4 * (j % 2);
            const int8_t *q8 = y[b].qs + 32 * j;
            int group = 0;
            for (int l = 0; l < 32; l++) group += q8[l] * ((q4[l] >> shift) & 0xF);
            isum += scale * group;
            mins += min * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        }
        const float d = y[b].d * gk_half_to_float(x[b].d);
        const float dmin = y[b].d * gk_half_to_float(x[b].dmin);
        sum += d * (float)isum - dmin * (float)mins;
    }
    *s = sum;
}

static void dot_q5_K_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q5_K *x = w;
    const gk_block_q8_K *y = a;
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
        int isum = 0, mins = 0;
        for (int j = 0; j < 8; j++) {
            uint8_t scale, min;
            gk_scale_min_k4(j, x[b].scales, &scale, &min);
            const uint8_t *q5 = x[b].qs + 32 * (j / 2);
            const int shift = 4 * (j % 2);
            const int8_t *q8 = y[b].qs + 32 * j;
            int group = 0;
            for (int l = 0; l < 32; l++) {
                const int v = ((q5[l] >> shift) & 0xF) + ((x[b].qh[l] >> j) & 1 ? 16 : 0);
                group += q8[l] * v;
            }
            isum += scale * group;
            mins += min * (y[b].bsums[2 * j] + y[b].bsums[2 * j + 1]);
        }
        const float d = y[b].d * gk_half_to_float(x[b].d);
        const float dmin = y[b].d * gk_half_to_float(x[b].dmin);
        sum += d * (float)isum - dmin * (float)mins;
    }
    *s = sum;
}

static void dot_q6_K_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_q6_K *x = w;
    const gk_block_q8_K *y = a;
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
        int isum = 0;
        for (int g = 0; g < 16; g++) {
            // Group g: chunk c = g/8 of 128 values, quarter k = (g%8)/2, half h = g%2.
            const int c = g / 8, k = (g % 8) / 2, h = g % 2;
            const uint8_t *ql = x[b].ql + 64 * c + 32 * (k % 2) + 16 * h;
            const uint8_t *qh = x[b].qh + 32 * c + 16 * h;
            const int8_t *q8 = y[b].qs + 16 * g;
            int group = 0;
            for (int l = 0; l < 16; l++) {
                const int low = (ql[l] >> (4 * (k / 2))) & 0xF;
                const int high = (qh[l] >> (2 * k)) & 3;
                group += q8[l] * ((low | (high << 4)) - 32);
            }
            isum += x[b].scales[g] * group;
        }
        sum += y[b].d * gk_half_to_float(x[b].d) * (float)isum;
    }
    *s = sum;
}

#if GK_X86
#define GK_TEMPLATE "kquants_x86.h"
#include "x86_levels.h"
#define GK_SIMD(name) name##_avx2, name##_avx512
// Batch kernels (gemm_*.c).
GK_DECLARE_GEMM(q4_K);
GK_DECLARE_GEMM(q6_K);
GK_DECLARE_GEMM(q3_K);
GK_DECLARE_GEMM(q5_K);
GK_DECLARE_GEMM(q2_K);
#define GK_GEMM(name) gk_gemm_##name##_avx512
#else
#define GK_SIMD(name) NULL, NULL
#define GK_GEMM(name) NULL
#endif

const gk_dot_kernel gk_dot_q2_K = {GK_ACTIVATION_Q8_K, 256, dot_q2_K_scalar, GK_SIMD(dot_q2_K), NULL, GK_GEMM(q2_K)};
const gk_dot_kernel gk_dot_q3_K = {GK_ACTIVATION_Q8_K, 256, dot_q3_K_scalar, GK_SIMD(dot_q3_K), NULL, GK_GEMM(q3_K)};
const gk_dot_kernel gk_dot_q4_K = {GK_ACTIVATION_Q8_K, 256, dot_q4_K_scalar, GK_SIMD(dot_q4_K), NULL, GK_GEMM(q4_K)};
const gk_dot_kernel gk_dot_q5_K = {GK_ACTIVATION_Q8_K, 256, dot_q5_K_scalar, GK_SIMD(dot_q5_K), NULL, GK_GEMM(q5_K)};
const gk_dot_kernel gk_dot_q6_K = {GK_ACTIVATION_Q8_K, 256, dot_q6_K_scalar, GK_SIMD(dot_q6_K), NULL, GK_GEMM(q6_K)};
