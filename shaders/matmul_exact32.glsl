// Included by the 32-value block shaders (Q8_0, Q4_0, Q5_0, Q4_1, Q5_1) after they define BLOCK_BYTES and
// block_isum(base, first), the exact Σ q_w·q_x of one block; BLOCK_MIN for the types with an F16 min after d.
// The CPU batch kernel's steps (gemm_q8_1.c): acc = acc + float(Σ q_w·q_x)·(d_w·d_x) block by block (then, with a
// min, acc = acc + m_w·(d_x·Σ q_x)), no fused multiply-add.
#define HAS_EXACT
float row_dot_exact(uint row, uint token) {
    uint blocks = shape.columns / 32u;
    uint row_base = row * blocks * BLOCK_BYTES;
    uint input_base = token * shape.input_stride;
    uint scale_base = token * (shape.input_stride / 32u);
    precise float acc = 0.0;
    for (uint b = 0u; b < blocks; b++) {
        uint base = row_base + b * BLOCK_BYTES;
        int isum = block_isum(base, input_base + b * 32u);
        precise float scale = half_at(base) * xd[scale_base + b];
        acc = acc + float(isum) * scale;
#ifdef BLOCK_MIN
        int xsum = 0;
        for (uint j = 0u; j < 32u; j++) xsum += xq[input_base + b * 32u + j];
        precise float s = xd[scale_base + b] * float(xsum);
        acc = acc + half_at(base + 2u) * s;
#endif
    }
    return acc;
}
