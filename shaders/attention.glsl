// Causal grouped-query attention over a key/value cache, one workgroup per (query head, token), with the CPU
// path's arithmetic value by value (Sources/CDotKernels/attention.c), so the device gives the same bits:
//   score_j = (sum over d of q[d]·k_j[d], from 0, each product rounded then added) · scale
//   e_j     = cpu_exp(score_j − max score)
//   total   = sixteen lane sums (lane l adds e_j for j ≡ l mod 16 in increasing j), folded 8, 4, 2, 1 lanes
//   out[d]  = (sum over j of e_j·v_j[d] the same way, from 0) · (1 / total)
// Every step is `precise` (no fused multiply-adds), as on the CPU.
// Two passes over the visible keys: the first finds the largest score, the second recomputes the scores in tiles of
// WORKGROUP keys and accumulates; nothing grows with the square of the sequence. Query head h reads cache head
// h / group. Token t sits at position first_position + t and sees positions 0 ... first_position + t.
#include "cpu_exp.glsl"
#define WORKGROUP 64
#define MAX_HEAD 256
#define PER_LANE (MAX_HEAD / WORKGROUP)
layout(local_size_x = WORKGROUP) in;

layout(std430, binding = 0) readonly buffer Query { float q[]; };
#ifdef CACHE_F16
layout(std430, binding = 1) readonly buffer Keys { uint k_words[]; };
layout(std430, binding = 2) readonly buffer Values { uint v_words[]; };
float key_at(uint i) { return unpackHalf2x16(k_words[i >> 1] >> ((i & 1u) * 16u)).x; }
float value_at(uint i) { return unpackHalf2x16(v_words[i >> 1] >> ((i & 1u) * 16u)).x; }
#else
layout(std430, binding = 1) readonly buffer Keys { float k[]; };
layout(std430, binding = 2) readonly buffer Values { float v[]; };
float key_at(uint i) { return k[i]; }
float value_at(uint i) { return v[i]; }
#endif
layout(std430, binding = 3) writeonly buffer Output { float o[]; };

layout(push_constant) uniform Shape {
    uint tokens;
    uint heads;
    uint group;          // query heads per key/value head
    uint key_length;
    uint value_length;
    uint q_stride;       // between tokens' query rows
    uint q_offset;       // of head 0 in a query row
    uint k_stride;       // between positions in the key cache
    uint v_stride;
    uint first_position;
    uint out_stride;
    float scale;
    uint k_offset;       // of position 0 in the key buffer (keys may sit in fused Q/K/V rows)
    uint v_offset;
    uint out_offset;
} shape;

shared float query[MAX_HEAD];
shared float weights_tile[WORKGROUP];
shared float partial[WORKGROUP];

float workgroup_max(float value) {
    uint lane = gl_LocalInvocationID.x;
    partial[lane] = value;
    barrier();
    for (uint stride = WORKGROUP / 2; stride > 0u; stride >>= 1) {
        if (lane < stride) partial[lane] = max(partial[lane], partial[lane + stride]);
        barrier();
    }
    float total = partial[0];
    barrier();
    return total;
}

float score_of(uint key, uint key_base) {
    uint base = key * shape.k_stride + key_base;
    precise float dot = 0.0;
    for (uint i = 0u; i < shape.key_length; i++) dot = dot + query[i] * key_at(base + i);
    precise float scaled = dot * shape.scale;
    return scaled;
}

void main() {
    uint lane = gl_LocalInvocationID.x;
    uint head = gl_WorkGroupID.x;
    uint token = gl_WorkGroupID.y;
    uint kv_head = head / shape.group;
    uint visible = shape.first_position + token + 1u;
    uint key_base = shape.k_offset + kv_head * shape.key_length;
    uint value_base = shape.v_offset + kv_head * shape.value_length;

    for (uint i = lane; i < shape.key_length; i += WORKGROUP) {
        query[i] = q[token * shape.q_stride + shape.q_offset + head * shape.key_length + i];
    }
    barrier();

    float peak = -1.0 / 0.0;
    for (uint key = lane; key < visible; key += WORKGROUP) peak = max(peak, score_of(key, key_base));
    peak = workgroup_max(peak);

    precise float lane_sum = 0.0;
    precise float acc[PER_LANE];
    for (uint j = 0u; j < PER_LANE; j++) acc[j] = 0.0;
    for (uint start = 0u; start < visible; start += WORKGROUP) {
        uint key = start + lane;
        precise float shifted = key < visible ? score_of(key, key_base) - peak : 0.0;
        weights_tile[lane] = key < visible ? cpu_exp(shifted) : 0.0;
        barrier();
        uint count = min(uint(WORKGROUP), visible - start);
        if (lane < 16u) {
            for (uint i = lane; i < count; i += 16u) lane_sum = lane_sum + weights_tile[i];
        }
        for (uint j = 0u; j < PER_LANE; j++) {
            uint d = lane + j * WORKGROUP;
            if (d < shape.value_length) {
                for (uint i = 0u; i < count; i++) {
                    acc[j] = acc[j] + weights_tile[i] * value_at((start + i) * shape.v_stride + value_base + d);
                }
            }
        }
        barrier();  // before the next tile overwrites weights_tile
    }

    partial[lane] = lane_sum;
    barrier();
    if (lane == 0u) {
        for (uint w = 8u; w > 0u; w >>= 1) {
            for (uint i = 0u; i < w; i++) {
                precise float folded = partial[i] + partial[i + w];
                partial[i] = folded;
            }
        }
    }
    barrier();
    precise float inverse = 1.0 / partial[0];
    for (uint j = 0u; j < PER_LANE; j++) {
        uint d = lane + j * WORKGROUP;
        if (d < shape.value_length) {
            precise float result = acc[j] * inverse;
            o[shape.out_offset + token * shape.out_stride + head * shape.value_length + d] = result;
        }
    }
}
