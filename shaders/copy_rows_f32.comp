#version 450
// Copies activation rows into an F32 cache (see copy_rows.glsl).
#include "copy_rows.glsl"

void main() {
    FOR_EACH_ELEMENT(i, shape.rows * shape.width) {
        uint row = i / shape.width;
        uint column = i - row * shape.width;
        dst[(shape.first_row + row) * shape.dst_stride + column] = src[row * shape.src_stride + shape.src_offset + column];
    }
}
