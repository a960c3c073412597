// Shared by the matrix-product shaders: byte and half reads from a uint-typed buffer (so no 8- or 16-bit
// storage feature is needed; ggml's blocks are 18 or 34 bytes, not word-aligned) and the workgroup sum.

#define WORKGROUP 64

layout(local_size_x = WORKGROUP) in;

layout(std430, binding = 0) readonly buffer Weights { uint weights[]; };
layout(std430, binding = 1) readonly buffer Input { float x[]; };
layout(std430, binding = 2) writeonly buffer Output { float y[]; };
// With `exact` set: the rounded input as its integers and one scale per block (round_activations.comp writes both), for
// shaders that define row_dot_exact.
layout(std430, binding = 3) readonly buffer InputIntegers { int xq[]; };
layout(std430, binding = 4) readonly buffer InputScales { float xd[]; };

// rows × columns weights, tokens activation rows of `columns` values `input_stride` apart; token t's
// outputs go to y[t · output_stride + output_offset + row].
layout(push_constant) uniform Shape {
    uint rows;
    uint columns;
    uint tokens;
    uint input_stride;
    uint output_stride;
    uint output_offset;
    // 0: a workgroup per (row, token), the row's blocks shared among its invocations; 1: an invocation per
    // (row, token), summing the row's blocks in order (no barriers: the cheaper split for many tokens).
    uint per_invocation;
    // 1: per-invocation sums read xq/xd and repeat the CPU batch kernel's steps (Sources/CDotKernels/gemm_*.c) for
    // the same bits: exact integer sums per block, then the kernel's float steps in its order.
    uint exact;
} shape;

// The units (blocks, or parts of blocks) of a row this invocation sums: unit_first, + unit_step, ...
uint unit_first;
uint unit_step;

shared float partial[WORKGROUP];

uint byte_at(uint offset) {
    return (weights[offset >> 2] >> ((offset & 3u) * 8u)) & 0xFFu;
}

int signed_byte_at(uint offset) {
    return bitfieldExtract(int(weights[offset >> 2]), int((offset & 3u) * 8u), 8);
}

// `offset` is even in every block layout used here, so the half never straddles two words.
float half_at(uint offset) {
    uint word = weights[offset >> 2];
    return unpackHalf2x16((offset & 2u) != 0u ? (word >> 16) : word).x;
}

// Sums `value` over the workgroup; every invocation must call it. The result is valid in invocation 0.
float workgroup_sum(float value) {
    uint lane = gl_LocalInvocationID.x;
    partial[lane] = value;
    barrier();
    for (uint stride = WORKGROUP / 2; stride > 0u; stride >>= 1) {
        if (lane < stride) partial[lane] += partial[lane + stride];
        barrier();
    }
    float total = partial[0];
    // Keep the next row's writes from racing invocation 0's read.
    barrier();
    return total;
}

// row_dot(row, token) is defined by each shader before including the driver below.
