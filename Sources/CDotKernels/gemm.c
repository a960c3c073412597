// What every batch kernel shares: scratch size and the Q8_K side table.
#include "gemm_common.h"

size_t gk_gemm_scratch_bytes(int n) { return (size_t)(n / 256) * gk_panel_block_bytes_max; }

size_t gk_gemm_sums_count(int n) { return (size_t)(n / 256) * gk_sums_per_block; }

void gk_q8_K_group_sums(int n, const void *row, float *sums) {
    const gk_block_q8_K *blocks = row;
    for (int b = 0; b < n / 256; b++) {
        float *out = sums + (size_t)b * gk_sums_per_block;
        out[0] = blocks[b].d;
        for (int j = 0; j < 8; j++) out[1 + j] = (float)(blocks[b].bsums[2 * j] + blocks[b].bsums[2 * j + 1]);
        for (int j = 0; j < 16; j++) out[9 + j] = (float)blocks[b].bsums[j];
    }
}
