// Row decoders for the BLAS path (batches of many activation rows multiply decoded F32 tiles), one copy per level.
#include "dot_kernels.h"
#include "blocks.h"

#define GK_DN(name) name##_scalar
#define GK_DECODE_ATTR static
#include "decode_body.h"
#undef GK_DN
#undef GK_DECODE_ATTR

#if GK_X86
#include <immintrin.h>
#define GK_DECODE_VECTOR_K 1
#define GK_DN(name) name##_avx2
#define GK_DECODE_ATTR static __attribute__((target("avx2,fma,f16c")))
#include "decode_body.h"
#include "decode_x86.h"
#undef GK_DN
#undef GK_DECODE_ATTR
#define GK_DN(name) name##_avx512
#define GK_DECODE_ATTR static __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl")))
#include "decode_body.h"
#include "decode_x86.h"
#undef GK_DN
#undef GK_DECODE_ATTR
#undef GK_DECODE_VECTOR_K
#define GK_LEVELS(name) {name##_scalar, name##_avx2, name##_avx512}
#define GK_LEVELS_SIMD(name) {name##_scalar, name##_simd_avx2, name##_simd_avx512}
#else
#define GK_LEVELS_SIMD(name) {name##_scalar, NULL, NULL}
#define GK_LEVELS(name) {name##_scalar, NULL, NULL}
#endif

const gk_decode_kernel gk_decode_f16 = GK_LEVELS(decode_f16);
const gk_decode_kernel gk_decode_bf16 = GK_LEVELS(decode_bf16);
const gk_decode_kernel gk_decode_q4_0 = GK_LEVELS(decode_q4_0);
const gk_decode_kernel gk_decode_q4_1 = GK_LEVELS(decode_q4_1);
const gk_decode_kernel gk_decode_q5_0 = GK_LEVELS(decode_q5_0);
const gk_decode_kernel gk_decode_q5_1 = GK_LEVELS(decode_q5_1);
const gk_decode_kernel gk_decode_q8_0 = GK_LEVELS(decode_q8_0);
const gk_decode_kernel gk_decode_q2_K = GK_LEVELS(decode_q2_K);
const gk_decode_kernel gk_decode_q3_K = GK_LEVELS(decode_q3_K);
const gk_decode_kernel gk_decode_q4_K = GK_LEVELS_SIMD(decode_q4_K);
const gk_decode_kernel gk_decode_q5_K = GK_LEVELS(decode_q5_K);
const gk_decode_kernel gk_decode_q6_K = GK_LEVELS_SIMD(decode_q6_K);

gk_decode_function gk_decode_select(const gk_decode_kernel *kernel, int level) {
    const int supported = gk_dot_cpu_level();
    if (level > supported) level = supported;
    if (level >= 2 && kernel->avx512) return kernel->avx512;
    if (level >= 1 && kernel->avx2) return kernel->avx2;
    return kernel->scalar;
}
