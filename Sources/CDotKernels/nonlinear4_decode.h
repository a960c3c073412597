// Row decoders of the non-linear 4-bit formats (values as ggml's dequantize_row_iq4_nl / _iq4_xs give them).

GK_DECODE_ATTR void GK_DN(decode_iq4_nl)(int n, const void *w, float *y) {
    const gk_block_iq4_nl *x = w;
    for (int b = 0; b < n / 32; b++, y += 32) {
        const float d = gk_half_table[x[b].d];
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)gk_iq4_levels[x[b].qs[j] & 0xF];
            y[j + 16] = d * (float)gk_iq4_levels[x[b].qs[j] >> 4];
        }
    }
}

GK_DECODE_ATTR void GK_DN(decode_iq4_xs)(int n, const void *w, float *y) {
    const gk_block_iq4_xs *x = w;
    for (int b = 0; b < n / 256; b++) {
        const float d = gk_half_table[x[b].d];
        for (int ib = 0; ib < 8; ib++, y += 32) {
            const float dl = d * (float)iq4_xs_scale(&x[b], ib);
            const uint8_t *q = x[b].qs + 16 * ib;
            for (int j = 0; j < 16; j++) {
                y[j] = dl * (float)gk_iq4_levels[q[j] & 0xF];
                y[j + 16] = dl * (float)gk_iq4_levels[q[j] >> 4];
            }
        }
    }
}
