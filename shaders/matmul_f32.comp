#version 450
// y = W·x with W in F32.
#include "common.glsl"

float row_dot_partial(uint row, uint token) {
    uint row_word = row * shape.columns;
    uint input_base = token * shape.input_stride;
    float sum = 0.0;
    for (uint k = unit_first; k < shape.columns; k += unit_step) {
        sum += uintBitsToFloat(weights[row_word + k]) * x[input_base + k];
    }
    return sum;
}

#include "matmul_driver.glsl"
