// Runtime choice of SIMD level: the binary is built for any x86-64 (or arm64) and picks kernels by what the CPU has.
#include "dot_kernels.h"
#include "blocks.h"
#include <pthread.h>

static int detect_level(void) {
#if GK_X86
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return 0;
    // F16C has no __builtin_cpu_supports name in every compiler: CPUID leaf 1, ECX bit 29.
    unsigned eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
    if (!(ecx & (1u << 29))) return 0;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vnni")) {
        return 2;
    }
    return 1;
#else
    return 0;
#endif
}

float gk_half_table[65536];
static int cpu_level;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void initialize(void) {
    for (int h = 0; h < 65536; h++) gk_half_table[h] = gk_half_to_float((gk_half)h);
    cpu_level = detect_level();
}

int gk_dot_cpu_level(void) {
    pthread_once(&once, initialize);
    return cpu_level;
}

gk_dot_function gk_dot_select(const gk_dot_kernel *kernel, int level) {
    const int supported = gk_dot_cpu_level();
    if (level > supported) level = supported;
    if (level >= 2 && kernel->avx512) return kernel->avx512;
    if (level >= 1 && kernel->avx2) return kernel->avx2;
    return kernel->scalar;
}

gk_dot4_function gk_dot4_select(const gk_dot_kernel *kernel, int level) {
    const int supported = gk_dot_cpu_level();
    if (level > supported) level = supported;
    return level >= 2 ? kernel->avx512_rows4 : NULL;
}

gk_gemm_function gk_gemm_select(const gk_dot_kernel *kernel, int level) {
    const int supported = gk_dot_cpu_level();
    if (level > supported) level = supported;
    return level >= 2 ? kernel->avx512_gemm : NULL;
}
