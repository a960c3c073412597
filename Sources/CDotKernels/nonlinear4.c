// Dot products of the non-linear 4-bit formats (IQ4_NL with Q8_1 activation blocks, IQ4_XS with Q8_K): each
// 4-bit code picks one of 16 int8 levels, so the products are integer as for the linear formats.
#include "dot_kernels.h"
#include "blocks.h"

/// IQ4_XS sub-block `ib`'s 6-bit scale, stored with a +32 offset.
static inline int iq4_xs_scale(const gk_block_iq4_xs *x, int ib) {
    return (((x->scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((x->scales_h >> (2 * ib)) & 3) << 4)) - 32;
}

static void dot_iq4_nl_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_iq4_nl *x = w;
    const gk_block_q8_1 *y = a;
    float sum = 0;
    for (int b = 0; b < n / 32; b++) {
        int isum = 0;
        for (int j = 0; j < 16; j++) {
            isum += gk_iq4_levels[x[b].qs[j] & 0xF] * y[b].qs[j] + gk_iq4_levels[x[b].qs[j] >> 4] * y[b].qs[j + 16];
        }
        sum += (float)isum * (gk_half_to_float(x[b].d) * y[b].d);
    }
    *s = sum;
}

static void dot_iq4_xs_scalar(int n, const void *w, const void *a, float *s) {
    const gk_block_iq4_xs *x = w;
    const gk_block_q8_K *y = a;
    float sum = 0;
    for (int b = 0; b < n / 256; b++) {
        int isum = 0;
        for (int ib = 0; ib < 8; ib++) {
            const uint8_t *q = x[b].qs + 16 * ib;
            const int8_t *q8 = y[b].qs + 32 * ib;
            int group = 0;
            for (int j = 0; j < 16; j++) group += gk_iq4_levels[q[j] & 0xF] * q8[j] + gk_iq4_levels[q[j] >> 4] * q8[j + 16];
            isum += iq4_xs_scale(&x[b], ib) * group;
        }
        sum += gk_half_to_float(x[b].d) * y[b].d * (float)isum;
    }
    *s = sum;
}

#define GK_DN(name) name##_scalar
#define GK_DECODE_ATTR static
#include "nonlinear4_decode.h"
#undef GK_DN
#undef GK_DECODE_ATTR

#if GK_X86
#define GK_TEMPLATE "nonlinear4_x86.h"
#include "x86_levels.h"
#define GK_SIMD(name) name##_avx2, name##_avx512
#else
#define GK_SIMD(name) NULL, NULL
#endif

const gk_dot_kernel gk_dot_iq4_nl = {GK_ACTIVATION_Q8_1, 32, dot_iq4_nl_scalar, GK_SIMD(dot_iq4_nl)};
const gk_dot_kernel gk_dot_iq4_xs = {GK_ACTIVATION_Q8_K, 256, dot_iq4_xs_scalar, GK_SIMD(dot_iq4_xs)};
// Table lookups do not vectorise: one decoder serves every level.
const gk_decode_kernel gk_decode_iq4_nl = {decode_iq4_nl_scalar, NULL, NULL};
const gk_decode_kernel gk_decode_iq4_xs = {decode_iq4_xs_scalar, NULL, NULL};
