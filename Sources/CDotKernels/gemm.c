// What every batch kernel shares: scratch size and the Q8_K side table.
#include "gemm_common.h"

size_t gk_gemm_scratch_bytes(int n) { return (size_t)((n + 255) / 256) * gk_panel_block_bytes_max; }

size_t gk_gemm_sums_count(int n) { return (size_t)(n / 256) * gk_sums_per_block; }

size_t gk_gemm_block_sums_count(gk_activation_format format, int n) {
    return format == GK_ACTIVATION_Q8_K ? gk_gemm_sums_count(n) : (size_t)(n / 32) * 2;
}

void gk_gemm_block_sums(gk_activation_format format, int n, const void *row, float *sums) {
    if (format == GK_ACTIVATION_Q8_K) {
        gk_q8_K_group_sums(n, row, sums);
        return;
    }
    const gk_block_q8_1 *blocks = row;
    for (int b = 0; b < n / 32; b++) {
        int total = 0;
        for (int j = 0; j < 32; j++) total += blocks[b].qs[j];
        sums[2 * b] = blocks[b].d;
        sums[2 * b + 1] = (float)total;
    }
}

void gk_q8_K_group_sums(int n, const void *row, float *sums) {
    const gk_block_q8_K *blocks = row;
    for (int b = 0; b < n / 256; b++) {
        float *out = sums + (size_t)b * gk_sums_per_block;
        out[0] = blocks[b].d;
        for (int j = 0; j < 8; j++) out[1 + j] = (float)(blocks[b].bsums[2 * j] + blocks[b].bsums[2 * j + 1]);
        for (int j = 0; j < 16; j++) out[9 + j] = (float)blocks[b].bsums[j];
    }
}
