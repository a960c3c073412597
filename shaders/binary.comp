#version 450
// a ∘= b over `count` values of `rows` rows: mode 0 adds b elementwise (residual add), mode 1 multiplies
// by b[i % width] (a norm's weight), mode 2 adds b[i % width] (a bias). Rows are `width` values apart by
// default; `stride` > width leaves the gap untouched (a row's slice of a wider buffer at `offset`).
#include "elementwise.glsl"

layout(std430, binding = 0) buffer Target { float a[]; };
layout(std430, binding = 1) readonly buffer Operand { float b[]; };

layout(push_constant) uniform Shape {
    uint mode;
    uint width;
    uint rows;
    uint stride;  // of a's rows
    uint offset;  // of a's first value
} shape;

void main() {
    FOR_EACH_ELEMENT(i, shape.width * shape.rows) {
        uint row = i / shape.width;
        uint column = i - row * shape.width;
        uint target = shape.offset + row * shape.stride + column;
        if (shape.mode == 0u) a[target] += b[i];
        else if (shape.mode == 1u) a[target] *= b[column];
        else a[target] += b[column];
    }
}
