#ifndef GGUFKIT_CPU_FEATURES_H
#define GGUFKIT_CPU_FEATURES_H

/// The widest SIMD level the running CPU (and its operating system) supports for float kernels:
/// 2 for AVX-512 (F, CD, BW, DQ, VL), 1 for AVX2 with FMA, 0 for anything else or non-x86.
int ggufkit_cpu_simd_level(void);

#endif
