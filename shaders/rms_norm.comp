#version 450
// ggml's rms_norm: each row of `width` values divided by sqrt(mean of squares + epsilon). The weight
// multiply is a separate operation, as in ggml.
#define WORKGROUP 64
layout(local_size_x = WORKGROUP) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Shape {
    uint width;
    uint rows;
    float epsilon;
} shape;

shared float partial[WORKGROUP];

void main() {
    uint lane = gl_LocalInvocationID.x;
    for (uint row = gl_WorkGroupID.x; row < shape.rows; row += gl_NumWorkGroups.x) {
        uint base = row * shape.width;
        float sum = 0.0;
        for (uint i = lane; i < shape.width; i += WORKGROUP) sum += x[base + i] * x[base + i];
        partial[lane] = sum;
        barrier();
        for (uint stride = WORKGROUP / 2; stride > 0u; stride >>= 1) {
            if (lane < stride) partial[lane] += partial[lane + stride];
            barrier();
        }
        float scale = 1.0 / sqrt(partial[0] / float(shape.width) + shape.epsilon);
        for (uint i = lane; i < shape.width; i += WORKGROUP) y[base + i] = x[base + i] * scale;
        barrier();
    }
}
