// Row decoders (stored blocks → F32), written as plain loops and compiled once per SIMD level by decode.c so the
// compiler vectorises each with that level's instructions. Values equal ggml's dequantize_row_* functions.
// Expects GK_DECODE_ATTR (function attributes) and GK_DN(name) (name with the level's suffix).

GK_DECODE_ATTR void GK_DN(decode_q4_0)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q4_0 *restrict x = w;
    for (int b = 0; b < n / 32; b++, y += 32) {
        const float d = gk_half_table[x[b].d];
        for (int j = 0; j < 16; j++) {
            y[j] = (float)((x[b].qs[j] & 0xF) - 8) * d;
            y[j + 16] = (float)((x[b].qs[j] >> 4) - 8) * d;
        }
    }
}

GK_DECODE_ATTR void GK_DN(decode_q4_1)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q4_1 *restrict x = w;
    for (int b = 0; b < n / 32; b++, y += 32) {
        const float d = gk_half_table[x[b].d], m = gk_half_table[x[b].m];
        for (int j = 0; j < 16; j++) {
            y[j] = (float)(x[b].qs[j] & 0xF) * d + m;
            y[j + 16] = (float)(x[b].qs[j] >> 4) * d + m;
        }
    }
}

GK_DECODE_ATTR void GK_DN(decode_q5_0)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q5_0 *restrict x = w;
    for (int b = 0; b < n / 32; b++, y += 32) {
        const float d = gk_half_table[x[b].d];
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        for (int j = 0; j < 16; j++) {
            const int lo = (x[b].qs[j] & 0xF) | (int)(((qh >> j) << 4) & 0x10);
            const int hi = (x[b].qs[j] >> 4) | (int)((qh >> (j + 12)) & 0x10);
            y[j] = (float)(lo - 16) * d;
            y[j + 16] = (float)(hi - 16) * d;
        }
    }
}

GK_DECODE_ATTR void GK_DN(decode_q5_1)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q5_1 *restrict x = w;
    for (int b = 0; b < n / 32; b++, y += 32) {
        const float d = gk_half_table[x[b].d], m = gk_half_table[x[b].m];
        uint32_t qh;
        memcpy(&qh, x[b].qh, 4);
        for (int j = 0; j < 16; j++) {
            const int lo = (x[b].qs[j] & 0xF) | (int)(((qh >> j) << 4) & 0x10);
            const int hi = (x[b].qs[j] >> 4) | (int)((qh >> (j + 12)) & 0x10);
            y[j] = (float)lo * d + m;
            y[j + 16] = (float)hi * d + m;
        }
    }
}

GK_DECODE_ATTR void GK_DN(decode_q8_0)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q8_0 *restrict x = w;
    for (int b = 0; b < n / 32; b++, y += 32) {
        const float d = gk_half_table[x[b].d];
        for (int j = 0; j < 32; j++) y[j] = (float)x[b].qs[j] * d;
    }
}

GK_DECODE_ATTR void GK_DN(decode_q2_K)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q2_K *restrict x = w;
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d], dmin = gk_half_table[x[b].dmin];
        const uint8_t *q = x[b].qs;
        int is = 0;
        for (int c = 0; c < 2; c++, q += 32) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int h = 0; h < 2; h++, is++, y += 16) {
                    const float dl = d * (float)(x[b].scales[is] & 0xF), ml = dmin * (float)(x[b].scales[is] >> 4);
                    for (int l = 0; l < 16; l++) y[l] = dl * (float)((q[16 * h + l] >> shift) & 3) - ml;
                }
            }
        }
    }
}

GK_DECODE_ATTR void GK_DN(decode_q3_K)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q3_K *restrict x = w;
    for (int b = 0; b < n / 256; b++) {
        const float d_all = gk_half_table[x[b].d];
        int8_t scales[16];
        gk_q3_K_scales(x[b].scales, scales);
        const uint8_t *q = x[b].qs;
        int is = 0;
        uint8_t m = 1;
        for (int c = 0; c < 2; c++, q += 32) {
            for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
                for (int h = 0; h < 2; h++, is++, y += 16) {
                    const float dl = d_all * (float)scales[is];
                    for (int l = 0; l < 16; l++) {
                        const int v = ((q[16 * h + l] >> shift) & 3) - ((x[b].hmask[16 * h + l] & m) ? 0 : 4);
                        y[l] = dl * (float)v;
                    }
                }
            }
        }
    }
}

// The x86 levels use decode_x86.h's vectorised Q4_K and Q6_K instead.
#ifndef GK_DECODE_VECTOR_K
GK_DECODE_ATTR void GK_DN(decode_q4_K)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q4_K *restrict x = w;
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d], dmin = gk_half_table[x[b].dmin];
        const uint8_t *q = x[b].qs;
        for (int j = 0; j < 8; j += 2, q += 32) {
            uint8_t sc, mn;
            gk_scale_min_k4(j, x[b].scales, &sc, &mn);
            const float d1 = d * (float)sc, m1 = dmin * (float)mn;
            gk_scale_min_k4(j + 1, x[b].scales, &sc, &mn);
            const float d2 = d * (float)sc, m2 = dmin * (float)mn;
            for (int l = 0; l < 32; l++) y[l] = d1 * (float)(q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) y[l + 32] = d2 * (float)(q[l] >> 4) - m2;
            y += 64;
        }
    }
}

#endif

GK_DECODE_ATTR void GK_DN(decode_q5_K)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q5_K *restrict x = w;
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d], dmin = gk_half_table[x[b].dmin];
        const uint8_t *q = x[b].qs;
        uint8_t u1 = 1, u2 = 2;
        for (int j = 0; j < 8; j += 2, q += 32, u1 <<= 2, u2 <<= 2) {
            uint8_t sc, mn;
            gk_scale_min_k4(j, x[b].scales, &sc, &mn);
            const float d1 = d * (float)sc, m1 = dmin * (float)mn;
            gk_scale_min_k4(j + 1, x[b].scales, &sc, &mn);
            const float d2 = d * (float)sc, m2 = dmin * (float)mn;
            for (int l = 0; l < 32; l++) y[l] = d1 * (float)((q[l] & 0xF) + ((x[b].qh[l] & u1) ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++) y[l + 32] = d2 * (float)((q[l] >> 4) + ((x[b].qh[l] & u2) ? 16 : 0)) - m2;
            y += 64;
        }
    }
}

#ifndef GK_DECODE_VECTOR_K
GK_DECODE_ATTR void GK_DN(decode_q6_K)(int n, const void *restrict w, float *restrict y) {
    const gk_block_q6_K *restrict x = w;
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d];
        const uint8_t *ql = x[b].ql, *qh = x[b].qh;
        const int8_t *sc = x[b].scales;
        for (int c = 0; c < 2; c++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = (int)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = (int)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * (float)sc[is] * (float)q1;
                y[l + 32] = d * (float)sc[is + 2] * (float)q2;
                y[l + 64] = d * (float)sc[is + 4] * (float)q3;
                y[l + 96] = d * (float)sc[is + 6] * (float)q4;
            }
        }
    }
}
#endif

GK_DECODE_ATTR void GK_DN(decode_f16)(int n, const void *restrict w, float *restrict y) {
    const gk_half *restrict x = w;
    for (int i = 0; i < n; i++) y[i] = gk_half_table[x[i]];
}

GK_DECODE_ATTR void GK_DN(decode_bf16)(int n, const void *restrict w, float *restrict y) {
    const uint16_t *restrict x = w;
    for (int i = 0; i < n; i++) y[i] = gk_bits_float((uint32_t)x[i] << 16);
}
