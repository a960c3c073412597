#ifndef GGUFKIT_QUANT_KERNELS_H
#define GGUFKIT_QUANT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The SIMD level ggufkit_iq4_trial_sums will use when asked for `wanted`: the lower of `wanted`
/// and what the running CPU supports (2 AVX-512F, 1 AVX2, 0 none: the caller then uses its own
/// scalar code). Never more than the CPU has, so a forced level cannot crash.
int ggufkit_quant_simd_level(int wanted);

/// Scores 16 candidate inverse scales on one block of 32 values for the non-linear 4-bit formats
/// (IQ4_NL, IQ4_XS): for each lane k, every `inverse[k] * x[j]` is rounded to the nearest of the 16
/// sorted `levels` exactly as ggml's `best_index_int8` rounds it (ties to the lower level, NaN to the
/// top), and `sum_qx[k] = Σ_j (w[j] * q) * x[j]`, `sum_q2[k] = Σ_j (w[j] * q) * q` are accumulated in
/// j order with IEEE single-precision operations and no fused multiply-add, so each lane's sums are
/// bit-identical to the scalar loop. `level` comes from ggufkit_quant_simd_level and must be 1 or 2.
void ggufkit_iq4_trial_sums(const float *x, const float *w, const float *inverse, const float *levels,
                            float *sum_qx, float *sum_q2, int level);

/// Weighted squared distances from 8 values `x` to `count` lattice points at `scale`, for the
/// nearest-neighbour searches of the lattice formats: `d2[k] = Σ_i (w[i] * e) * e` with
/// `e = scale * values[levels[i * stride + k]] - x[i]`, accumulated in i order without fused
/// multiply-add, so each is bit-identical to the scalar loop. `levels` holds each coordinate's
/// level (0...2, so only `values[0...2]` are read) for all points, one row of `stride` bytes per
/// coordinate; `stride` is a multiple of 16 and at least `count`, and `d2` has room for `count`
/// rounded up to 16. `level` as for ggufkit_iq4_trial_sums.
void ggufkit_lattice_distances(const int8_t *levels, int count, int stride, const float *values, const float *x,
                               const float *w, float scale, float *d2, int level);

/// ggufkit_lattice_distances for groups of 4 values (the 3-bit lattice formats): levels 0...7
/// index the 8 `values`.
void ggufkit_d4_distances(const int8_t *levels, int count, int stride, const float *values, const float *x,
                          const float *w, float scale, float *d2, int level);

/// The K-quant searches, `groups` (1...16) groups of `n` (1...32) values at a time, group `g` at
/// `x + g * n` (and `w + g * n`). Each group is searched in its own SIMD lane with the scalar
/// search's IEEE single-precision operations in the scalar order and no fused multiply-add, so
/// the results are bit-identical to ggml's loops. `level`: 2 AVX-512F, 1 AVX2, 0 the portable
/// build of the same code (from ggufkit_quant_simd_level). Bad `n` or `groups` writes nothing.
///
/// ggml's `make_qkx2_quants` (`flat_when_not_increasing` 0) and `make_qkx3_quants` (1): levels
/// 0...nmax, the scale in `scales[g]`, the non-negative minimum in `mins[g]`.
void ggufkit_kquant_affine_search(const float *x, const float *w, int n, int groups, int nmax, float rmin,
                                  float rdelta, int nstep, int use_mad, int flat_when_not_increasing,
                                  uint8_t *levels, float *scales, float *mins, int level);

/// ggml's `make_qx_quants` with `rmse_type` 1, weighted by `w` or, when `w` is NULL, by x²: levels
/// offset by `nmax`, the scale in `scales[g]`.
void ggufkit_kquant_symmetric_search(const float *x, const float *w, int n, int groups, int nmax, int8_t *levels,
                                     float *scales, int level);

/// ggml's `make_q3_quants` with `do_rmse`: levels offset by `nmax`, the scale in `scales[g]`.
void ggufkit_kquant_level_moves_search(const float *x, int n, int groups, int nmax, int8_t *levels, float *scales,
                                       int level);

/// The affine K-quants' final levels against the group scales as stored: for every group `g`
/// whose `scale[g]` is not zero, `levels[g * n + i] = clamp(nearest_int((x[g * n + i] + offset[g])
/// / scale[g]), 0, nmax)`; groups with a zero scale keep their levels.
void ggufkit_kquant_affine_requantize(const float *x, int n, int groups, const float *scale, const float *offset,
                                      int nmax, uint8_t *levels, int level);

/// The largest magnitude (sign bit cleared) among `count` BF16 values, NaN and infinity
/// counted as zero, as BF16 bits. `level` as for ggufkit_iq4_trial_sums, or 0 for the portable loop.
uint16_t ggufkit_bf16_largest_finite_magnitude(const uint16_t *x, size_t count, int level);

/// Widens `count` BF16 values to F32 bits (`x << 16`, exact, NaN payloads kept). `level` as for
/// ggufkit_bf16_largest_finite_magnitude.
void ggufkit_bf16_to_f32_bits(const uint16_t *x, uint32_t *out, size_t count, int level);

#endif
