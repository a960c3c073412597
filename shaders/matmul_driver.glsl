// One workgroup per (row, token); rows beyond the dispatch's x count are taken in turn, since large
// vocabularies exceed the 65535 workgroups a device must allow in x.
void main() {
    uint token = gl_WorkGroupID.y;
    for (uint row = gl_WorkGroupID.x; row < shape.rows; row += gl_NumWorkGroups.x) {
        float total = workgroup_sum(row_dot_partial(row, token));
        if (gl_LocalInvocationID.x == 0u) y[token * shape.output_stride + shape.output_offset + row] = total;
    }
}
