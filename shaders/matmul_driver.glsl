// Rows beyond the dispatch's x count are taken in turn, since large vocabularies exceed the 65535
// workgroups a device must allow in x.
void main() {
    uint token = gl_WorkGroupID.y;
    if (shape.per_invocation != 0u) {
        // 64 rows per workgroup, one per invocation, each summing its row's units in order.
        unit_first = 0u;
        unit_step = 1u;
        for (uint first = gl_WorkGroupID.x * WORKGROUP; first < shape.rows; first += gl_NumWorkGroups.x * WORKGROUP) {
            uint row = first + gl_LocalInvocationID.x;
            if (row >= shape.rows) continue;
#ifdef HAS_EXACT
            if (shape.exact != 0u) {
                y[token * shape.output_stride + shape.output_offset + row] = row_dot_exact(row, token);
                continue;
            }
#endif
            y[token * shape.output_stride + shape.output_offset + row] = row_dot_partial(row, token);
        }
        return;
    }
    // One workgroup per (row, token): invocation i takes units i, i + 64, ...; the partial sums are added
    // in the workgroup.
    unit_first = gl_LocalInvocationID.x;
    unit_step = WORKGROUP;
    for (uint row = gl_WorkGroupID.x; row < shape.rows; row += gl_NumWorkGroups.x) {
        float total = workgroup_sum(row_dot_partial(row, token));
        if (gl_LocalInvocationID.x == 0u) y[token * shape.output_stride + shape.output_offset + row] = total;
    }
}
