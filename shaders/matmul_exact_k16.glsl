// Included by the shaders of K-quants with 16-value groups (Q6_K, Q3_K, Q2_K) after they define block_bytes(),
// group_value(base, group, i) (unsigned), group_scale and group_offset exactly as gemm_k16.c computes them. The
// CPU batch kernel's steps per super-block: groups 0-15 in order add float(Σ value·q_x)·scale, then the offsets
// come off one by one (− offset·Σ q_x), and the block joins the row's total as + block·d_x; every step `precise`.
#define HAS_EXACT
float row_dot_exact(uint row, uint token) {
    uint blocks = shape.columns / 256u;
    uint row_base = row * blocks * block_bytes();
    uint input_base = token * shape.input_stride;
    uint scale_base = token * (shape.input_stride / 256u);
    precise float total = 0.0;
    for (uint block = 0u; block < blocks; block++) {
        uint base = row_base + block * block_bytes();
        precise float block_sum = 0.0;
        int x_sums[16];
        for (uint group = 0u; group < 16u; group++) {
            uint first = input_base + block * 256u + 16u * group;
            int isum = 0, xsum = 0;
            for (uint i = 0u; i < 16u; i++) {
                int qx = xq[first + i];
                isum += int(group_value(base, group, i)) * qx;
                xsum += qx;
            }
            x_sums[group] = xsum;
            block_sum = block_sum + float(isum) * group_scale(base, group);
        }
        precise float m = block_sum;
        for (uint group = 0u; group < 16u; group++) m = m - group_offset(base, group) * float(x_sums[group]);
        total = total + m * xd[scale_base + block];
    }
    return total;
}
