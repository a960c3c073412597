// Activation rows in the encodings the dot kernels read, rounded as ggml's CPU backend rounds them.
#include "dot_kernels.h"
#include "blocks.h"
#include <math.h>

size_t gk_activation_row_bytes(gk_activation_format format, int n) {
    switch (format) {
    case GK_ACTIVATION_Q8_1: return (size_t)(n / 32) * sizeof(gk_block_q8_1);
    case GK_ACTIVATION_Q8_K: return (size_t)(n / 256) * sizeof(gk_block_q8_K);
    case GK_ACTIVATION_F16: return (size_t)n * 4;
    case GK_ACTIVATION_BF16: return (size_t)n * 2;
    }
    return 0;
}

static void quantize_q8_1(const float *x, gk_block_q8_1 *y, int n) {
    for (int b = 0; b < n / 32; b++, x += 32) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            const float v = fabsf(x[j]);
            amax = v > amax ? v : amax;
        }
        const float d = amax / 127;
        const float id = amax != 0 ? 127 / amax : 0;
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            const int q = gk_nearest_int(x[j] * id);
            y[b].qs[j] = (int8_t)q;
            sum += q;
        }
        y[b].d = gk_half_to_float(gk_float_to_half(d));
        y[b].s = y[b].d * (float)sum;
    }
}

static void quantize_q8_K(const float *x, gk_block_q8_K *y, int n) {
    for (int b = 0; b < n / 256; b++, x += 256) {
        float amax = 0, extreme = 0;
        for (int j = 0; j < 256; j++) {
            const float v = fabsf(x[j]);
            if (v > amax) { amax = v; extreme = x[j]; }
        }
        if (amax == 0) {
            memset(&y[b], 0, sizeof(y[b]));
            continue;
        }
        const float iscale = -127.f / extreme;
        for (int j = 0; j < 256; j++) {
            const int q = gk_nearest_int(iscale * x[j]);
            y[b].qs[j] = (int8_t)(q < 127 ? q : 127);
        }
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int j = 0; j < 16; j++) sum += y[b].qs[g * 16 + j];
            y[b].bsums[g] = (int16_t)sum;
        }
        y[b].d = 1 / iscale;
    }
}

void gk_quantize_activations(gk_activation_format format, const float *x, void *row, int n, int level) {
    (void)level;
    switch (format) {
    case GK_ACTIVATION_Q8_1: quantize_q8_1(x, row, n); return;
    case GK_ACTIVATION_Q8_K: quantize_q8_K(x, row, n); return;
    case GK_ACTIVATION_F16: {
        float *h = row;
        for (int i = 0; i < n; i++) h[i] = gk_half_to_float(gk_float_to_half(x[i]));
        return;
    }
    case GK_ACTIVATION_BF16: {
        uint16_t *h = row;
        for (int i = 0; i < n; i++) h[i] = gk_float_to_bf16(x[i]);
        return;
    }
    }
}

void gk_dequantize_activations(gk_activation_format format, const void *row, float *x, int n) {
    switch (format) {
    case GK_ACTIVATION_Q8_1: {
        const gk_block_q8_1 *y = row;
        for (int b = 0; b < n / 32; b++) {
            for (int j = 0; j < 32; j++) x[b * 32 + j] = y[b].d * (float)y[b].qs[j];
        }
        return;
    }
    case GK_ACTIVATION_Q8_K: {
        const gk_block_q8_K *y = row;
        for (int b = 0; b < n / 256; b++) {
            for (int j = 0; j < 256; j++) x[b * 256 + j] = y[b].d * (float)y[b].qs[j];
        }
        return;
    }
    case GK_ACTIVATION_F16: {
        memcpy(x, row, (size_t)n * 4);
        return;
    }
    case GK_ACTIVATION_BF16: {
        const uint16_t *h = row;
        for (int i = 0; i < n; i++) x[i] = gk_bf16_to_float(h[i]);
        return;
    }
    }
}

void gk_dot_rows(gk_dot_function dot, gk_dot4_function dot4, int n, const void *weights, size_t weight_row_bytes,
                 int rows, const void *activations, size_t activation_row_bytes, int m, float *out, size_t out_stride,
                 int accumulate) {
    const uint8_t *w = weights;
    const uint8_t *a = activations;
    const int step = dot4 ? 4 : 1;
    for (int r = 0; r < rows; r += step) {
        // The hardware prefetcher follows one stream poorly at row ends; asking for the rows after next keeps
        // memory busy while these are multiplied. Prefetches never fault, so reading past the last row is harmless.
        const uint8_t *ahead = w + (size_t)(r + 2 * step) * weight_row_bytes;
        for (size_t o = 0; o < (size_t)step * weight_row_bytes; o += 64) __builtin_prefetch(ahead + o, 0, 3);
        const uint8_t *row = w + (size_t)r * weight_row_bytes;
        const int count = dot4 && r + 4 <= rows ? 4 : 1;
        for (int i = 0; i < m; i++) {
            float values[4];
            const uint8_t *activation = a + (size_t)i * activation_row_bytes;
            if (count == 4) {
                dot4(n, row, weight_row_bytes, activation, values);
            } else {
                for (int k = 0; k < step && r + k < rows; k++) dot(n, row + (size_t)k * weight_row_bytes, activation, &values[k]);
            }
            const int produced = r + step <= rows ? step : rows - r;
            float *target = out + (size_t)i * out_stride + r;
            for (int k = 0; k < produced; k++) target[k] = accumulate ? target[k] + values[k] : values[k];
        }
    }
}
