#ifndef GGUFKIT_DOT_KERNELS_H
#define GGUFKIT_DOT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// How activations are encoded before they meet a weight row (ggml's "vec_dot_type").
typedef enum {
    /// 32-value blocks: the scale (rounded to F16, held as F32), the scale × the sum of the values, 32 int8. The values
    /// are ggml's block_q8_0/q8_1 values, so one encoding serves Q4_0, Q5_0 and Q8_0 as well as Q4_1 and Q5_1.
    GK_ACTIVATION_Q8_1 = 0,
    /// 256-value blocks: F32 scale, 256 int8, 16 int16 sums of 16 values (ggml's block_q8_K).
    GK_ACTIVATION_Q8_K = 1,
    /// Values rounded to IEEE half precision, held as the floats they round to (4 bytes each).
    GK_ACTIVATION_F16 = 2,
    /// bfloat16.
    GK_ACTIVATION_BF16 = 3,
} gk_activation_format;

/// `*result = Σ weight[i] · activation[i]` over `n` values: one weight row in its stored ggml encoding against one
/// activation row in the kernel's activation format. `n` is a multiple of the weight's block size.
typedef void (*gk_dot_function)(int n, const void *weights, const void *activations, float *result);

/// `results[k] = Σ weight row k · activation` for the four weight rows at `weights + k × weight_row_bytes`: one
/// activation load serves four rows, and their block scales are converted together.
typedef void (*gk_dot4_function)(int n, const void *weights, size_t weight_row_bytes, const void *activations,
                                 float *results);

/// `out[a * out_stride + r] (+)= dot(weight row r, activation row a)` for weight rows `0 ..< rows` and activation rows
/// `0 ..< m`, many activation rows at once (prompt batches). `sums` holds ``gk_gemm_sums_count``(n) floats per
/// activation row from ``gk_gemm_block_sums``; `scratch` holds ``gk_gemm_scratch_bytes``(n) bytes, 64-byte aligned.
/// Each result depends only on its weight row's position within groups of 16 from row 0, never on `m` or on the other
/// rows, so callers may split rows at multiples of 16 and activation rows anywhere.
typedef void (*gk_gemm_function)(int n, const void *weights, size_t weight_row_bytes, int rows,
                                 const void *activations, size_t activation_row_bytes, const float *sums, int m,
                                 float *out, size_t out_stride, int accumulate, void *scratch);

/// One weight type's dot product at each SIMD level, plus the activation encoding it expects. A level the build or
/// the CPU lacks is NULL; ``gk_dot_select`` falls back to the next lower one.
typedef struct {
    gk_activation_format activation;
    /// Values per weight block (and the multiple `n` must be of).
    int block_values;
    gk_dot_function scalar;
    /// x86-64 AVX2 with FMA and F16C.
    gk_dot_function avx2;
    /// x86-64 AVX-512 F/BW/VL/DQ with VNNI.
    gk_dot_function avx512;
    /// Four rows at a time at the AVX-512 level, where the type has such a kernel (NULL otherwise).
    gk_dot4_function avx512_rows4;
    /// Many activation rows at once (prompt batches) at the AVX-512 level, where the type has such a kernel.
    gk_gemm_function avx512_gemm;
} gk_dot_kernel;

/// The highest SIMD level the running CPU supports for these kernels: 2 AVX-512 F/BW/VL/DQ/VNNI, 1 AVX2+FMA+F16C, 0 scalar.
int gk_dot_cpu_level(void);

/// The kernel's function for the highest level at most `level` and at most ``gk_dot_cpu_level``.
gk_dot_function gk_dot_select(const gk_dot_kernel *kernel, int level);

/// Bytes one activation row of `n` values takes in `format` (`n` a multiple of its block size).
size_t gk_activation_row_bytes(gk_activation_format format, int n);

/// Encodes `n` floats as one activation row, the way ggml's CPU backend rounds them: half-to-even rounding, the
/// Q8_K scale taken from the signed extreme (-127 at it), the 32-value blocks' scale rounded to F16.
void gk_quantize_activations(gk_activation_format format, const float *x, void *row, int n, int level);

/// Decodes an activation row back to floats (tests and the decode-then-dot kernels use it).
void gk_dequantize_activations(gk_activation_format format, const void *row, float *x, int n);

/// The kernel's four-row function at `level` (capped by ``gk_dot_cpu_level``), or NULL where it has none.
gk_dot4_function gk_dot4_select(const gk_dot_kernel *kernel, int level);

/// `out[a * out_stride + r] (+)= dot(weight row r, activation row a)` for weight rows `0 ..< rows` and activation
/// rows `0 ..< m`. With `dot4` (may be NULL), rows go four at a time from row 0 and the last `rows % 4` one at a time,
/// so a row's result depends on its position in the call: callers split rows the same way for any thread count.
void gk_dot_rows(gk_dot_function dot, gk_dot4_function dot4, int n, const void *weights, size_t weight_row_bytes,
                 int rows, const void *activations, size_t activation_row_bytes, int m, float *out, size_t out_stride,
                 int accumulate);

/// Kernels, one per weight type (defined beside their code).
extern const gk_dot_kernel gk_dot_f16;
extern const gk_dot_kernel gk_dot_bf16;
extern const gk_dot_kernel gk_dot_q4_0;
extern const gk_dot_kernel gk_dot_q4_1;
extern const gk_dot_kernel gk_dot_q5_0;
extern const gk_dot_kernel gk_dot_q5_1;
extern const gk_dot_kernel gk_dot_q8_0;
extern const gk_dot_kernel gk_dot_q2_K;
extern const gk_dot_kernel gk_dot_q3_K;
extern const gk_dot_kernel gk_dot_q4_K;
extern const gk_dot_kernel gk_dot_q5_K;
extern const gk_dot_kernel gk_dot_q6_K;
extern const gk_dot_kernel gk_dot_iq4_nl;
extern const gk_dot_kernel gk_dot_iq4_xs;

/// Decodes one weight row of `n` values in its stored ggml encoding to F32 (the values ggml's dequantize_row_* gives).
typedef void (*gk_decode_function)(int n, const void *weights, float *out);

/// One weight type's row decoder at each SIMD level (NULL where the build lacks the level).
typedef struct {
    gk_decode_function scalar;
    gk_decode_function avx2;
    gk_decode_function avx512;
} gk_decode_kernel;

/// The decoder for the highest level at most `level` and at most ``gk_dot_cpu_level``.
gk_decode_function gk_decode_select(const gk_decode_kernel *kernel, int level);

extern const gk_decode_kernel gk_decode_f16;
extern const gk_decode_kernel gk_decode_bf16;
extern const gk_decode_kernel gk_decode_q4_0;
extern const gk_decode_kernel gk_decode_q4_1;
extern const gk_decode_kernel gk_decode_q5_0;
extern const gk_decode_kernel gk_decode_q5_1;
extern const gk_decode_kernel gk_decode_q8_0;
extern const gk_decode_kernel gk_decode_q2_K;
extern const gk_decode_kernel gk_decode_q3_K;
extern const gk_decode_kernel gk_decode_q4_K;
extern const gk_decode_kernel gk_decode_q5_K;
extern const gk_decode_kernel gk_decode_q6_K;
extern const gk_decode_kernel gk_decode_iq4_nl;
extern const gk_decode_kernel gk_decode_iq4_xs;

/// F32 dot product of `n` values (the decode-then-dot path for weight types without their own kernel).
float gk_dot_f32(int n, const float *x, const float *y, int level);

/// Scratch bytes a batch kernel needs for rows of `n` values.
size_t gk_gemm_scratch_bytes(int n);

/// Floats of ``gk_q8_K_group_sums`` per activation row of `n` values.
size_t gk_gemm_sums_count(int n);

/// Per 256-value block of a Q8_K activation row: its scale, then the sums of its eight 32-value groups.
void gk_q8_K_group_sums(int n, const void *row, float *sums);

/// Floats of ``gk_gemm_block_sums`` per activation row of `n` values in `format` (Q8_K or Q8_1).
size_t gk_gemm_block_sums_count(gk_activation_format format, int n);

/// The side table a batch kernel reads beside an activation row: ``gk_q8_K_group_sums`` for Q8_K, and (scale, sum of
/// the 32 values) per block for Q8_1.
void gk_gemm_block_sums(gk_activation_format format, int n, const void *row, float *sums);

/// The kernel's batch function at `level` (capped by ``gk_dot_cpu_level``), or NULL where it has none.
gk_gemm_function gk_gemm_select(const gk_dot_kernel *kernel, int level);

/// One attention head over one sequence: query rows `0 ..< rows` sit at positions `first_position + i` and see keys
/// and values at positions `0 ... first_position + i`.
typedef struct {
    int rows;
    int first_position;
    int key_length;
    int value_length;
    float scale;
    const float *query;
    size_t query_stride;
    const float *keys;
    size_t key_stride;
    const float *values;
    size_t value_stride;
    float *output;
    size_t output_stride;
} gk_attention_head_shape;

/// Floats of scratch ``gk_attention_head`` needs for `keys` keys (first_position + rows) of `key_length` values.
size_t gk_attention_scratch_floats(int key_length, int keys);

/// Causal softmax attention of one head with a fixed order of arithmetic (see attention.c): the same bits at every
/// SIMD level, and the same as the GPU path's attention shader.
void gk_attention_head(const gk_attention_head_shape *shape, float *scratch, int level);

#endif
