// Causal softmax attention of one head with its arithmetic fixed value by value, so the scalar code, the AVX-512 code
// and the GPU path's shader (shaders/attention.glsl) give the same bits:
//   score_j = (sum over d = 0, 1, ... of q[d]·k_j[d], from 0, each product rounded, then added) · scale
//   e_j     = gk_exp(score_j − max score), the CPU path's e^x (VectorMath.exp) step for step, without fused steps
//   total   = sixteen lane sums (lane l adds e_j for j ≡ l mod 16 in increasing j), folded 8, 4, 2, 1 lanes
//   out[d]  = (sum over j = 0, 1, ... of e_j·v_j[d] the same way, from 0) · (1 / total)
// No fused multiply-adds: a device may not fuse them (lavapipe does not), and `precise` shader arithmetic never does.
// A value rounded to 8 bits before the next product flips when its sum changes in the last bit, so the device path
// can only agree with this one (rather than drift by a percent of perplexity on short texts) if every step matches.
#pragma clang fp contract(off)
#include "blocks.h"
#include "include/dot_kernels.h"
#include <math.h>
#include <string.h>

static inline float gk_exp(float value) {
    float x = value < -87.0f ? -87.0f : value;
    x = x > 88.0f ? 88.0f : x;
    const float magic = 12582912.0f;
    const float shifted = x * 1.44269504f + magic;
    const float n = shifted - magic;
    const float r = x - n * 0.693359375f + n * 2.1219444e-4f;
    float p = r * 1.98756915e-4f + 1.39819995e-3f;
    p = p * r + 8.333451907e-3f;
    p = p * r + 4.166579589e-2f;
    p = p * r + 1.666666546e-1f;
    p = p * r + 5.00000012e-1f;
    p = p * (r * r) + r + 1.0f;
    int32_t shifted_bits, magic_bits;
    memcpy(&shifted_bits, &shifted, 4);
    memcpy(&magic_bits, &magic, 4);
    const int32_t exponent_bits = (int32_t)((uint32_t)(shifted_bits - magic_bits + 127) << 23);
    float scale;
    memcpy(&scale, &exponent_bits, 4);
    return p * scale;
}

/// Folds sixteen lane sums in the fixed order: lanes i and i + w for w = 8, 4, 2, 1.
static inline float fold_lanes(float *lanes) {
    for (int w = 8; w > 0; w >>= 1) {
        for (int i = 0; i < w; i++) lanes[i] = lanes[i] + lanes[i + w];
    }
    return lanes[0];
}

size_t gk_attention_scratch_floats(int key_length, int keys) {
    const size_t padded = (size_t)(keys + 15) / 16 * 16;
    return padded * (size_t)key_length + 4 * padded;
}

static void attention_scalar(const gk_attention_head_shape *s, float *scratch) {
    float *scores = scratch;
    for (int i = 0; i < s->rows; i++) {
        const int visible = s->first_position + i + 1;
        const float *q = s->query + (size_t)i * s->query_stride;
        float peak = -INFINITY;
        for (int j = 0; j < visible; j++) {
            const float *k = s->keys + (size_t)j * s->key_stride;
            float acc = 0.0f;
            for (int d = 0; d < s->key_length; d++) acc = acc + q[d] * k[d];
            scores[j] = acc * s->scale;
            peak = scores[j] > peak ? scores[j] : peak;
        }
        float lanes[16] = {0};
        for (int j = 0; j < visible; j++) {
            scores[j] = gk_exp(scores[j] - peak);
            lanes[j % 16] = lanes[j % 16] + scores[j];
        }
        const float inverse = 1.0f / fold_lanes(lanes);
        float *out = s->output + (size_t)i * s->output_stride;
        for (int d = 0; d < s->value_length; d++) {
            float acc = 0.0f;
            for (int j = 0; j < visible; j++) acc = acc + scores[j] * s->values[(size_t)j * s->value_stride + d];
            out[d] = acc * inverse;
        }
    }
}

#if GK_X86
#include <immintrin.h>
#define TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512dq")))

static inline TARGET __m512 exp16(__m512 value) {
    __m512 x = _mm512_max_ps(value, _mm512_set1_ps(-87.0f));
    x = _mm512_min_ps(x, _mm512_set1_ps(88.0f));
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    const __m512 shifted = _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)), magic);
    const __m512 n = _mm512_sub_ps(shifted, magic);
    const __m512 r = _mm512_add_ps(_mm512_sub_ps(x, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f))),
                                   _mm512_mul_ps(n, _mm512_set1_ps(2.1219444e-4f)));
    __m512 p = _mm512_add_ps(_mm512_mul_ps(r, _mm512_set1_ps(1.98756915e-4f)), _mm512_set1_ps(1.39819995e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.333451907e-3f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.166579589e-2f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.666666546e-1f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.00000012e-1f));
    p = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(p, _mm512_mul_ps(r, r)), r), _mm512_set1_ps(1.0f));
    const __m512i exponent = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(magic));
    const __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(exponent, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(p, scale);
}

static inline __mmask16 lanes_below(int count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// Scores, exponentials and the inverse of their sum for query row `i`, into `weights` (zero past the visible keys).
static inline TARGET float row_weights(const gk_attention_head_shape *s, const float *transposed, int padded, int i,
                                       float *weights) {
    const int visible = s->first_position + i + 1;
    const int chunks = (visible + 15) / 16;
    const float *q = s->query + (size_t)i * s->query_stride;
    const __m512 scale = _mm512_set1_ps(s->scale);
    int c = 0;
    for (; c + 4 <= chunks; c += 4) {
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int d = 0; d < s->key_length; d++) {
            const __m512 qd = _mm512_set1_ps(q[d]);
            const float *line = transposed + (size_t)d * padded + c * 16;
            a0 = _mm512_add_ps(a0, _mm512_mul_ps(qd, _mm512_loadu_ps(line)));
            a1 = _mm512_add_ps(a1, _mm512_mul_ps(qd, _mm512_loadu_ps(line + 16)));
            a2 = _mm512_add_ps(a2, _mm512_mul_ps(qd, _mm512_loadu_ps(line + 32)));
            a3 = _mm512_add_ps(a3, _mm512_mul_ps(qd, _mm512_loadu_ps(line + 48)));
        }
        _mm512_storeu_ps(weights + c * 16, _mm512_mul_ps(a0, scale));
        _mm512_storeu_ps(weights + c * 16 + 16, _mm512_mul_ps(a1, scale));
        _mm512_storeu_ps(weights + c * 16 + 32, _mm512_mul_ps(a2, scale));
        _mm512_storeu_ps(weights + c * 16 + 48, _mm512_mul_ps(a3, scale));
    }
    for (; c < chunks; c++) {
        __m512 a0 = _mm512_setzero_ps();
        for (int d = 0; d < s->key_length; d++) {
            a0 = _mm512_add_ps(a0, _mm512_mul_ps(_mm512_set1_ps(q[d]), _mm512_loadu_ps(transposed + (size_t)d * padded + c * 16)));
        }
        _mm512_storeu_ps(weights + c * 16, _mm512_mul_ps(a0, scale));
    }
    __m512 peak = _mm512_set1_ps(-INFINITY);
    for (c = 0; c < chunks; c++) {
        peak = _mm512_mask_max_ps(peak, lanes_below(visible - c * 16), peak, _mm512_loadu_ps(weights + c * 16));
    }
    const __m512 top = _mm512_set1_ps(_mm512_reduce_max_ps(peak));
    __m512 lane_sums = _mm512_setzero_ps();
    for (c = 0; c < chunks; c++) {
        const __m512 e = _mm512_maskz_mov_ps(lanes_below(visible - c * 16),
                                             exp16(_mm512_sub_ps(_mm512_loadu_ps(weights + c * 16), top)));
        _mm512_storeu_ps(weights + c * 16, e);
        lane_sums = _mm512_add_ps(lane_sums, e);
    }
    float lanes[16];
    _mm512_storeu_ps(lanes, lane_sums);
    return 1.0f / fold_lanes(lanes);
}

/// Query rows are taken four at a time so each value load serves four rows (sixteen independent sums); a row's sum
/// over keys still runs in key order, the extra keys of the later rows added after the shared ones.
static TARGET void attention_avx512(const gk_attention_head_shape *s, float *scratch) {
    const int keys = s->first_position + s->rows;
    const int padded = (keys + 15) / 16 * 16;
    // Keys transposed (dimension-major) so sixteen keys' scores build up in one register.
    float *transposed = scratch;
    float *weights = scratch + (size_t)padded * s->key_length;
    for (int d = 0; d < s->key_length; d++) {
        float *line = transposed + (size_t)d * padded;
        for (int j = 0; j < keys; j++) line[j] = s->keys[(size_t)j * s->key_stride + d];
        for (int j = keys; j < padded; j++) line[j] = 0.0f;
    }
    for (int i0 = 0; i0 < s->rows; i0 += 4) {
        const int group = s->rows - i0 < 4 ? s->rows - i0 : 4;
        float inverse[4];
        for (int r = 0; r < group; r++) inverse[r] = row_weights(s, transposed, padded, i0 + r, weights + (size_t)r * padded);
        const int shared = s->first_position + i0 + 1;
        for (int d0 = 0; d0 < s->value_length; d0 += 64) {
            const int width = s->value_length - d0 < 64 ? s->value_length - d0 : 64;
            const __mmask16 m0 = lanes_below(width), m1 = lanes_below(width - 16), m2 = lanes_below(width - 32),
                            m3 = lanes_below(width - 48);
            __m512 acc[4][4];
            for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm512_setzero_ps();
#define GK_VALUE_STEP(R, J)                                                                                            \
    do {                                                                                                               \
        const __m512 e = _mm512_set1_ps(weights[(size_t)(R) * padded + (J)]);                                          \
        acc[R][0] = _mm512_add_ps(acc[R][0], _mm512_mul_ps(e, v0));                                                    \
        acc[R][1] = _mm512_add_ps(acc[R][1], _mm512_mul_ps(e, v1));                                                    \
        acc[R][2] = _mm512_add_ps(acc[R][2], _mm512_mul_ps(e, v2));                                                    \
        acc[R][3] = _mm512_add_ps(acc[R][3], _mm512_mul_ps(e, v3));                                                    \
    } while (0)
            for (int j = 0; j < shared; j++) {
                const float *v = s->values + (size_t)j * s->value_stride + d0;
                const __m512 v0 = _mm512_maskz_loadu_ps(m0, v), v1 = _mm512_maskz_loadu_ps(m1, v + 16),
                             v2 = _mm512_maskz_loadu_ps(m2, v + 32), v3 = _mm512_maskz_loadu_ps(m3, v + 48);
                GK_VALUE_STEP(0, j);
                if (group > 1) GK_VALUE_STEP(1, j);
                if (group > 2) GK_VALUE_STEP(2, j);
                if (group > 3) GK_VALUE_STEP(3, j);
            }
            for (int r = 1; r < group; r++) {
                for (int j = shared; j < shared + r; j++) {
                    const float *v = s->values + (size_t)j * s->value_stride + d0;
                    const __m512 v0 = _mm512_maskz_loadu_ps(m0, v), v1 = _mm512_maskz_loadu_ps(m1, v + 16),
                                 v2 = _mm512_maskz_loadu_ps(m2, v + 32), v3 = _mm512_maskz_loadu_ps(m3, v + 48);
                    GK_VALUE_STEP(r, j);
                }
            }
#undef GK_VALUE_STEP
            for (int r = 0; r < group; r++) {
                float *out = s->output + (size_t)(i0 + r) * s->output_stride + d0;
                const __m512 scale = _mm512_set1_ps(inverse[r]);
                _mm512_mask_storeu_ps(out, m0, _mm512_mul_ps(acc[r][0], scale));
                _mm512_mask_storeu_ps(out + 16, m1, _mm512_mul_ps(acc[r][1], scale));
                _mm512_mask_storeu_ps(out + 32, m2, _mm512_mul_ps(acc[r][2], scale));
                _mm512_mask_storeu_ps(out + 48, m3, _mm512_mul_ps(acc[r][3], scale));
            }
        }
    }
}
#endif

void gk_attention_head(const gk_attention_head_shape *shape, float *scratch, int level) {
    if (shape->rows <= 0) return;
#if GK_X86
    const int supported = gk_dot_cpu_level();
    if ((level < supported ? level : supported) >= 2) {
        attention_avx512(shape, scratch);
        return;
    }
#endif
    (void)level;
    attention_scalar(shape, scratch);
}
