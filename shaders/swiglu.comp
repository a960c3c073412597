#version 450
// SwiGLU in place: each row holds `inner` gate values then `inner` up values; the gate half becomes
// silu(gate)·up = gate / (1 + e^−gate) · up, as the CPU path computes it (its exp included).
#include "elementwise.glsl"
#include "cpu_exp.glsl"

layout(std430, binding = 0) buffer GateUp { float v[]; };

layout(push_constant) uniform Shape {
    uint inner;
    uint rows;
} shape;

void main() {
    FOR_EACH_ELEMENT(i, shape.inner * shape.rows) {
        uint row = i / shape.inner;
        uint gate = row * 2u * shape.inner + (i - row * shape.inner);
        float g = v[gate];
        precise float silu = g / (1.0 + cpu_exp(-g));
        precise float result = silu * v[gate + shape.inner];
        v[gate] = result;
    }
}
