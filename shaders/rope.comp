#version 450
// RoPE from per-row cos/sin tables (`pairs` per row, computed on the host exactly as the CPU path does,
// so frequency factors and YaRN need nothing here). Rotates the first 2·pairs values of `heads` heads,
// `head_stride` apart, starting at `offset` in rows `row_stride` apart. Style 0 rotates adjacent pairs
// (2i, 2i+1) (llama); style 1 rotates (i, i + pairs) (neox, qwen2).
#include "elementwise.glsl"

layout(std430, binding = 0) buffer Values { float x[]; };
layout(std430, binding = 1) readonly buffer Cos { float cos_table[]; };
layout(std430, binding = 2) readonly buffer Sin { float sin_table[]; };

layout(push_constant) uniform Shape {
    uint rows;
    uint heads;
    uint pairs;
    uint head_stride;
    uint row_stride;
    uint offset;
    uint style;
} shape;

void main() {
    uint per_row = shape.heads * shape.pairs;
    FOR_EACH_ELEMENT(i, per_row * shape.rows) {
        uint row = i / per_row;
        uint rest = i - row * per_row;
        uint head = rest / shape.pairs;
        uint pair = rest - head * shape.pairs;
        uint base = shape.offset + row * shape.row_stride + head * shape.head_stride;
        uint first = shape.style == 0u ? base + 2u * pair : base + pair;
        uint second = shape.style == 0u ? first + 1u : first + shape.pairs;
        float c = cos_table[row * shape.pairs + pair];
        float s = sin_table[row * shape.pairs + pair];
        float a = x[first], b = x[second];
        x[first] = a * c - b * s;
        x[second] = a * s + b * c;
    }
}
