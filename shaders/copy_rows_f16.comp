#version 450
// Copies activation rows into an F16 cache two values (one word) per invocation; width and dst_stride are
// even (see copy_rows.glsl).
#define CACHE_F16
#include "copy_rows.glsl"

void main() {
    uint pairs = shape.width / 2u;
    FOR_EACH_ELEMENT(i, shape.rows * pairs) {
        uint row = i / pairs;
        uint column = 2u * (i - row * pairs);
        uint source = row * shape.src_stride + shape.src_offset + column;
        dst[((shape.first_row + row) * shape.dst_stride + column) >> 1] = packHalf2x16(vec2(src[source], src[source + 1u]));
    }
}
