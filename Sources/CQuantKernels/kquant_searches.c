#include "quant_kernels.h"

#include <string.h>

// One lane per group: every lane performs the scalar search's float operations in the scalar
// order, with IEEE single precision and no contraction of a*b+c into one FMA, so each lane's
// result is bit-identical to the scalar code. Branches become per-lane selects.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// The vector helpers are always inlined into one function per target, so the ABI of passing
// 512-bit vectors between functions compiled for different targets never arises.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#endif

#define LANES 16
typedef float vf __attribute__((ext_vector_type(LANES)));
typedef int32_t vi __attribute__((ext_vector_type(LANES)));

#define INLINE static inline __attribute__((always_inline))

INLINE vf splat_f(float v) { return (vf)v; }
INLINE vi splat_i(int32_t v) { return (vi)v; }
INLINE vf select_f(vi mask, vf a, vf b) { return (vf)((mask & (vi)a) | (~mask & (vi)b)); }
INLINE vi select_i(vi mask, vi a, vi b) { return (mask & a) | (~mask & b); }
INLINE vf to_float(vi v) { return __builtin_convertvector(v, vf); }
INLINE vf magnitude(vf v) { return (vf)((vi)v & splat_i(0x7FFFFFFF)); }

// ggml's nearest_int: add 1.5 * 2^23 and read the mantissa back.
INLINE vi nearest(vf v) {
    const vf shifted = v + splat_f(12582912.0f);
    return ((vi)shifted & splat_i(0x007FFFFF)) - splat_i(0x00400000);
}

// ggml's MAX(low, MIN(high, v)).
INLINE vi clamp_i(vi v, int32_t low, int32_t high) {
    const vi h = splat_i(high), l = splat_i(low);
    const vi upper = select_i(h < v, h, v);
    return select_i(l > upper, l, upper);
}

INLINE int any_lane(vi mask) {
    int32_t bits = 0;
    for (int k = 0; k < LANES; ++k) bits |= mask[k];
    return bits != 0;
}

// Gathers group g's element i into lane g of out[i]; lanes past `groups` are zero.
INLINE void transpose_in(const float *x, int n, int groups, vf *out) {
    float lanes[32 * LANES];
    memset(lanes, 0, sizeof(float) * (size_t)(n * LANES));
    for (int g = 0; g < groups; ++g) {
        for (int i = 0; i < n; ++i) lanes[i * LANES + g] = x[g * n + i];
    }
    memcpy(out, lanes, sizeof(float) * (size_t)(n * LANES));
}

INLINE void affine_search(const float *x, const float *w, int n, int groups, int nmax, float rmin, float rdelta,
                          int nstep, int use_mad, int flat_when_not_increasing, uint8_t *levels, float *scales,
                          float *mins) {
    vf xs[32], ws[32], trial[32];
    vi best_levels[32];
    transpose_in(x, n, groups, xs);
    transpose_in(w, n, groups, ws);

    vf low = xs[0], high = xs[0];
    vf sum_w = ws[0];
    vf sum_x = sum_w * xs[0];
    for (int i = 1; i < n; ++i) {
        low = select_f(xs[i] < low, xs[i], low);
        high = select_f(xs[i] > high, xs[i], high);
        sum_w = sum_w + ws[i];
        sum_x = sum_x + ws[i] * xs[i];
    }
    low = select_f(low > splat_f(0), splat_f(0), low);
    const vi flat = flat_when_not_increasing ? (high <= low) : (high == low);
    const vf flat_low = low;

    const float nmax_f = (float)nmax;
    vf inverse = splat_f(nmax_f) / (high - low);
    vf scale = splat_f(1.0f) / inverse;
    vf best_error = splat_f(0);
    for (int i = 0; i < n; ++i) {
        const vi l = clamp_i(nearest(inverse * (xs[i] - low)), 0, nmax);
        best_levels[i] = l;
        vf diff = scale * to_float(l) + low - xs[i];
        diff = use_mad ? magnitude(diff) : diff * diff;
        best_error = best_error + ws[i] * diff;
    }
    for (int step = 0; nstep >= 1 && step <= nstep; ++step) {
        const float numerator = rmin + rdelta * (float)step + nmax_f;
        inverse = splat_f(numerator) / (high - low);
        vf sum_l = splat_f(0), sum_l2 = splat_f(0), sum_xl = splat_f(0);
        for (int i = 0; i < n; ++i) {
            const vf lf = to_float(clamp_i(nearest(inverse * (xs[i] - low)), 0, nmax));
            trial[i] = lf;
            const vf wl = ws[i] * lf;
            sum_l = sum_l + wl;
            sum_l2 = sum_l2 + wl * lf;
            sum_xl = sum_xl + wl * xs[i];
        }
        const vf determinant = sum_w * sum_l2 - sum_l * sum_l;
        const vi solvable = determinant > splat_f(0);
        if (!any_lane(solvable)) continue;
        vf candidate_scale = (sum_w * sum_xl - sum_x * sum_l) / determinant;
        vf candidate_min = (sum_l2 * sum_x - sum_l * sum_xl) / determinant;
        const vi positive_min = candidate_min > splat_f(0);
        candidate_min = select_f(positive_min, splat_f(0), candidate_min);
        candidate_scale = select_f(positive_min, sum_xl / sum_l2, candidate_scale);
        vf error = splat_f(0);
        for (int i = 0; i < n; ++i) {
            vf diff = candidate_scale * trial[i] + candidate_min - xs[i];
            diff = use_mad ? magnitude(diff) : diff * diff;
            error = error + ws[i] * diff;
        }
        const vi better = solvable & (error < best_error);
        if (!any_lane(better)) continue;
        for (int i = 0; i < n; ++i) {
            best_levels[i] = select_i(better, __builtin_convertvector(trial[i], vi), best_levels[i]);
        }
        best_error = select_f(better, error, best_error);
        scale = select_f(better, candidate_scale, scale);
        low = select_f(better, candidate_min, low);
    }
    // The scalar search returns before the steps for a flat group; discard what the steps did.
    scale = select_f(flat, splat_f(0), scale);
    low = select_f(flat, flat_low, low);
    for (int i = 0; i < n; ++i) best_levels[i] = select_i(flat, splat_i(0), best_levels[i]);
    const vf minimum = -low;
    for (int g = 0; g < groups; ++g) {
        scales[g] = scale[g];
        mins[g] = minimum[g];
        for (int i = 0; i < n; ++i) levels[g * n + i] = (uint8_t)best_levels[i][g];
    }
}

// The largest magnitude's signed value per lane (first one wins on ties), as ggml scans it.
INLINE void signed_max(const vf *xs, int n, vf *max_value, vf *max_magnitude) {
    vf value = splat_f(0), amax = splat_f(0);
    for (int i = 0; i < n; ++i) {
        const vf a = magnitude(xs[i]);
        const vi larger = a > amax;
        amax = select_f(larger, a, amax);
        value = select_f(larger, xs[i], value);
    }
    *max_value = value;
    *max_magnitude = amax;
}

INLINE void symmetric_search(const float *x, const float *w, int n, int groups, int nmax, int8_t *levels,
                             float *scales) {
    vf xs[32], ws[32];
    vi best_levels[32], trial[32];
    transpose_in(x, n, groups, xs);
    if (w) {
        transpose_in(w, n, groups, ws);
    } else {
        for (int i = 0; i < n; ++i) ws[i] = xs[i] * xs[i];
    }
    vf max_value, max_magnitude;
    signed_max(xs, n, &max_value, &max_magnitude);
    const vi zero_group = max_magnitude < splat_f(1e-15f);

    const float nmax_f = (float)nmax;
    vf inverse = splat_f((float)-nmax) / max_value;
    vf sum_lx = splat_f(0), sum_l2 = splat_f(0);
    for (int i = 0; i < n; ++i) {
        const vi l = clamp_i(nearest(inverse * xs[i]), -nmax, nmax - 1);
        best_levels[i] = l;
        const vf lf = to_float(l);
        sum_lx = sum_lx + ws[i] * xs[i] * lf;
        sum_l2 = sum_l2 + ws[i] * lf * lf;
    }
    vf scale = select_f(sum_l2 != splat_f(0), sum_lx / sum_l2, splat_f(0));
    vf best = scale * sum_lx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        inverse = splat_f(-(nmax_f + 0.1f * (float)step)) / max_value;
        sum_lx = splat_f(0);
        sum_l2 = splat_f(0);
        for (int i = 0; i < n; ++i) {
            const vi l = clamp_i(nearest(inverse * xs[i]), -nmax, nmax - 1);
            trial[i] = l;
            const vf lf = to_float(l);
            sum_lx = sum_lx + ws[i] * xs[i] * lf;
            sum_l2 = sum_l2 + ws[i] * lf * lf;
        }
        const vi better = (sum_l2 > splat_f(0)) & (sum_lx * sum_lx > best * sum_l2);
        if (!any_lane(better)) continue;
        for (int i = 0; i < n; ++i) best_levels[i] = select_i(better, trial[i], best_levels[i]);
        scale = select_f(better, sum_lx / sum_l2, scale);
        best = select_f(better, scale * sum_lx, best);
    }
    scale = select_f(zero_group, splat_f(0), scale);
    for (int g = 0; g < groups; ++g) {
        scales[g] = scale[g];
        for (int i = 0; i < n; ++i) levels[g * n + i] = zero_group[g] ? 0 : (int8_t)(best_levels[i][g] + nmax);
    }
}

INLINE void level_moves_search(const float *x, int n, int groups, int nmax, int8_t *levels, float *scales) {
    vf xs[32];
    vi current[32];
    transpose_in(x, n, groups, xs);
    vf max_value, max_magnitude;
    signed_max(xs, n, &max_value, &max_magnitude);
    const vi zero_group = max_magnitude < splat_f(1e-15f);

    const vf inverse = splat_f((float)-nmax) / max_value;
    vf sum_lx = splat_f(0), sum_l2 = splat_f(0);
    for (int i = 0; i < n; ++i) {
        const vi l = clamp_i(nearest(inverse * xs[i]), -nmax, nmax - 1);
        current[i] = l;
        const vf w = xs[i] * xs[i];
        const vf lf = to_float(l);
        sum_lx = sum_lx + w * xs[i] * lf;
        sum_l2 = sum_l2 + w * lf * lf;
    }
    // A lane whose pass changes nothing is at a fixed point: further passes leave it as it is,
    // so running them for the other lanes matches the scalar search stopping early.
    for (int pass = 0; pass < 5; ++pass) {
        vi changed = splat_i(0);
        for (int i = 0; i < n; ++i) {
            const vf w = xs[i] * xs[i];
            const vf cur = to_float(current[i]);
            vf slx = sum_lx - w * xs[i] * cur;
            const vi movable = slx > splat_f(0);
            vf sl2 = sum_l2 - w * cur * cur;
            const vi candidate = clamp_i(nearest(xs[i] * sl2 / slx), -nmax, nmax - 1);
            const vi differs = movable & (candidate != current[i]);
            const vf cf = to_float(candidate);
            slx = slx + w * xs[i] * cf;
            sl2 = sl2 + w * cf * cf;
            const vi accept = differs & (sl2 > splat_f(0)) & (slx * slx * sum_l2 > sum_lx * sum_lx * sl2);
            current[i] = select_i(accept, candidate, current[i]);
            sum_lx = select_f(accept, slx, sum_lx);
            sum_l2 = select_f(accept, sl2, sum_l2);
            changed = changed | accept;
        }
        if (!any_lane(changed)) break;
    }
    const vf scale = select_f(sum_l2 > splat_f(0), sum_lx / sum_l2, splat_f(0));
    for (int g = 0; g < groups; ++g) {
        scales[g] = zero_group[g] ? 0 : scale[g];
        for (int i = 0; i < n; ++i) levels[g * n + i] = zero_group[g] ? 0 : (int8_t)(current[i][g] + nmax);
    }
}

// Levels against the scales as stored: a plain loop over each group, which the compiler
// vectorizes (the division and the rounding are exact lane by lane).
INLINE void affine_requantize(const float *x, int n, int groups, const float *scale, const float *offset, int nmax,
                              uint8_t *levels) {
    for (int g = 0; g < groups; ++g) {
        if (scale[g] == 0) continue;
        const float d = scale[g], m = offset[g];
        const float *xg = x + g * n;
        uint8_t *lg = levels + g * n;
        for (int i = 0; i < n; ++i) {
            const float shifted = (xg[i] + m) / d + 12582912.0f;
            int32_t bits;
            memcpy(&bits, &shifted, sizeof bits);
            int32_t l = (bits & 0x007FFFFF) - 0x00400000;
            l = nmax < l ? nmax : l;
            l = 0 > l ? 0 : l;
            lg[i] = (uint8_t)l;
        }
    }
}

// The same source compiled three times: for the baseline target (the portable build) and, on
// x86-64, for AVX2 and AVX-512, picked at run time. All three give the same bytes.
#define DEFINE_VARIANTS(suffix, attribute)                                                                        \
    attribute static void affine_##suffix(const float *x, const float *w, int n, int groups, int nmax, float rmin, \
                                          float rdelta, int nstep, int use_mad, int flat, uint8_t *levels,        \
                                          float *scales, float *mins) {                                           \
        affine_search(x, w, n, groups, nmax, rmin, rdelta, nstep, use_mad, flat, levels, scales, mins);          \
    }                                                                                                             \
    attribute static void symmetric_##suffix(const float *x, const float *w, int n, int groups, int nmax,         \
                                             int8_t *levels, float *scales) {                                     \
        symmetric_search(x, w, n, groups, nmax, levels, scales);                                                  \
    }                                                                                                             \
    attribute static void requantize_##suffix(const float *x, int n, int groups, const float *scale,              \
                                              const float *offset, int nmax, uint8_t *levels) {                   \
        affine_requantize(x, n, groups, scale, offset, nmax, levels);                                             \
    }                                                                                                             \
    attribute static void moves_##suffix(const float *x, int n, int groups, int nmax, int8_t *levels,             \
                                         float *scales) {                                                         \
        level_moves_search(x, n, groups, nmax, levels, scales);                                                   \
    }

DEFINE_VARIANTS(generic, )
#if defined(__x86_64__)
DEFINE_VARIANTS(avx2, __attribute__((target("avx2"))))
DEFINE_VARIANTS(avx512, __attribute__((target("avx512f"))))
#define DISPATCH(name, ...)                  \
    do {                                     \
        if (level >= 2) {                    \
            name##_avx512(__VA_ARGS__);      \
        } else if (level == 1) {             \
            name##_avx2(__VA_ARGS__);        \
        } else {                             \
            name##_generic(__VA_ARGS__);     \
        }                                    \
    } while (0)
#else
#define DISPATCH(name, ...) name##_generic(__VA_ARGS__)
#endif

static int valid(int n, int groups) { return n >= 1 && n <= 32 && groups >= 1 && groups <= LANES; }

void ggufkit_kquant_affine_search(const float *x, const float *w, int n, int groups, int nmax, float rmin,
                                  float rdelta, int nstep, int use_mad, int flat_when_not_increasing,
                                  uint8_t *levels, float *scales, float *mins, int level) {
    if (!valid(n, groups)) return;
    DISPATCH(affine, x, w, n, groups, nmax, rmin, rdelta, nstep, use_mad, flat_when_not_increasing, levels, scales,
             mins);
}

void ggufkit_kquant_symmetric_search(const float *x, const float *w, int n, int groups, int nmax, int8_t *levels,
                                     float *scales, int level) {
    if (!valid(n, groups)) return;
    DISPATCH(symmetric, x, w, n, groups, nmax, levels, scales);
}

void ggufkit_kquant_level_moves_search(const float *x, int n, int groups, int nmax, int8_t *levels, float *scales,
                                       int level) {
    if (!valid(n, groups)) return;
    DISPATCH(moves, x, n, groups, nmax, levels, scales);
}

void ggufkit_kquant_affine_requantize(const float *x, int n, int groups, const float *scale, const float *offset,
                                      int nmax, uint8_t *levels, int level) {
    if (n < 1 || groups < 1) return;
    DISPATCH(requantize, x, n, groups, scale, offset, nmax, levels);
}
