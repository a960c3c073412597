#version 450
// y = W·x with W in BF16; `columns` is even so each row starts on a word and a word holds two weights (the
// upper 16 bits of an F32 each).
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint pairs = shape.columns / 2u;
    uint row_word = row * pairs;
    uint input_base = token * shape.input_stride;
    float sum = 0.0;
    for (uint p = unit_first; p < pairs; p += unit_step) {
        uint word = weights[row_word + p];
        sum += uintBitsToFloat(word << 16) * x[input_base + 2u * p]
             + uintBitsToFloat(word & 0xFFFF0000u) * x[input_base + 2u * p + 1u];
    }
    return sum;
}

#include "matmul_driver.glsl"
