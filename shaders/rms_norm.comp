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
        // The CPU's order (VectorMath.sumOfSquares): 16 lane sums over whole groups of 16, added lane 0 to 15,
        // then the tail one by one.
        uint whole = shape.width / 16u * 16u;
        precise float sum = 0.0;
        if (lane < 16u) {
            for (uint i = lane; i < whole; i += 16u) sum += x[base + i] * x[base + i];
        }
        partial[lane] = sum;
        barrier();
        if (lane == 0u) {
            precise float total = -0.0;
            for (uint l = 0u; l < 16u; l++) total += partial[l];
            for (uint i = whole; i < shape.width; i++) total += x[base + i] * x[base + i];
            partial[16] = total;
        }
        barrier();
        precise float mean = partial[16] / float(shape.width);
        precise float root = sqrt(mean + shape.epsilon);
        precise float scale = 1.0 / root;
        for (uint i = lane; i < shape.width; i += WORKGROUP) {
            precise float value = x[base + i] * scale;
            y[base + i] = value;
        }
        barrier();
    }
}
