// Compiles the including file's x86 template (GK_TEMPLATE) once per SIMD level with that level's target attribute.
// Levels: avx2 (AVX2, FMA, F16C) and avx512 (adds AVX-512 F/BW/VL/DQ and VNNI: 256-bit VNNI dot products, 512-bit float loops).
#include <immintrin.h>

#define GK_LEVEL avx2
#define GK_TARGET "avx2,fma,f16c"
#define GK_VNNI 0
#include "x86_helpers.h"
#include GK_TEMPLATE
#undef GK_LEVEL
#undef GK_TARGET
#undef GK_VNNI

#define GK_LEVEL avx512
#define GK_TARGET "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq,avx512vnni"
#define GK_VNNI 1
#include "x86_helpers.h"
#include GK_TEMPLATE
#undef GK_LEVEL
#undef GK_TARGET
#undef GK_VNNI
