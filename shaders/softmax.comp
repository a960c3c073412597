#version 450
// Softmax (mode 0) or log-softmax (mode 1) of each row of `width` values times `scale`, one workgroup per
// row: max, then Σ e^(v − max), then the outputs.
#define WORKGROUP 64
layout(local_size_x = WORKGROUP) in;

layout(std430, binding = 0) readonly buffer Input { float x[]; };
layout(std430, binding = 1) writeonly buffer Output { float y[]; };

layout(push_constant) uniform Shape {
    uint width;
    uint rows;
    float scale;
    uint mode;
} shape;

shared float partial[WORKGROUP];

// mode 0: max, mode 1: sum; every invocation gets the result.
float reduce(float value, bool maximum) {
    uint lane = gl_LocalInvocationID.x;
    partial[lane] = value;
    barrier();
    for (uint stride = WORKGROUP / 2; stride > 0u; stride >>= 1) {
        if (lane < stride) {
            partial[lane] = maximum ? max(partial[lane], partial[lane + stride]) : partial[lane] + partial[lane + stride];
        }
        barrier();
    }
    float total = partial[0];
    barrier();
    return total;
}

void main() {
    uint lane = gl_LocalInvocationID.x;
    for (uint row = gl_WorkGroupID.x; row < shape.rows; row += gl_NumWorkGroups.x) {
        uint base = row * shape.width;
        float peak = -1.0 / 0.0;
        for (uint i = lane; i < shape.width; i += WORKGROUP) peak = max(peak, x[base + i] * shape.scale);
        peak = reduce(peak, true);
        float sum = 0.0;
        for (uint i = lane; i < shape.width; i += WORKGROUP) sum += exp(x[base + i] * shape.scale - peak);
        sum = reduce(sum, false);
        if (shape.mode == 0u) {
            float inverse = 1.0 / sum;
            for (uint i = lane; i < shape.width; i += WORKGROUP) y[base + i] = exp(x[base + i] * shape.scale - peak) * inverse;
        } else {
            float shift = peak + log(sum);
            for (uint i = lane; i < shape.width; i += WORKGROUP) y[base + i] = x[base + i] * shape.scale - shift;
        }
    }
}
