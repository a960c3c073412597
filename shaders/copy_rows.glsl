// Stores `rows` rows of `width` F32 values (src rows `src_stride` apart, from `src_offset`) at rows
// first_row, first_row + 1, ... of a cache whose rows are `dst_stride` values apart.
#include "elementwise.glsl"

layout(std430, binding = 0) readonly buffer Source { float src[]; };
#ifdef CACHE_F16
layout(std430, binding = 1) buffer Destination { uint dst[]; };
#else
layout(std430, binding = 1) buffer Destination { float dst[]; };
#endif

layout(push_constant) uniform Shape {
    uint rows;
    uint width;
    uint src_stride;
    uint src_offset;
    uint dst_stride;
    uint first_row;
} shape;
