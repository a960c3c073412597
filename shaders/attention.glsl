// Causal grouped-query attention over a key/value cache, flash-style: one workgroup per (query head,
// token) streams the visible keys in tiles of WORKGROUP, keeping a running maximum, a running sum of
// exponentials and the value accumulator (online softmax), so no buffer grows with the square of the
// sequence. Query head h reads cache head h / group. Token t sits at position first_position + t and
// sees positions 0 ... first_position + t. Each invocation scores one key of a tile, then owns output
// dimensions lane, lane + WORKGROUP, ... of the value sum.
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

    float running_max = -1.0 / 0.0;
    float running_sum = 0.0;
    float acc[PER_LANE];
    for (uint j = 0u; j < PER_LANE; j++) acc[j] = 0.0;

    for (uint start = 0u; start < visible; start += WORKGROUP) {
        uint key = start + lane;
        float score = -1.0 / 0.0;
        if (key < visible) {
            uint base = key * shape.k_stride + key_base;
            float dot = 0.0;
            for (uint i = 0u; i < shape.key_length; i++) dot += query[i] * key_at(base + i);
            score = dot * shape.scale;
        }
        float new_max = max(running_max, reduce(score, true));
        float e = key < visible ? exp(score - new_max) : 0.0;
        weights_tile[lane] = e;
        float correction = exp(running_max - new_max);
        running_sum = running_sum * correction + reduce(e, false);  // reduce's barriers publish weights_tile
        uint count = min(uint(WORKGROUP), visible - start);
        for (uint j = 0u; j < PER_LANE; j++) {
            uint d = lane + j * WORKGROUP;
            if (d < shape.value_length) {
                float sum = 0.0;
                for (uint i = 0u; i < count; i++) sum += weights_tile[i] * value_at((start + i) * shape.v_stride + value_base + d);
                acc[j] = acc[j] * correction + sum;
            }
        }
        running_max = new_max;
        barrier();  // before the next tile overwrites weights_tile
    }

    float inverse = 1.0 / running_sum;
    for (uint j = 0u; j < PER_LANE; j++) {
        uint d = lane + j * WORKGROUP;
        if (d < shape.value_length) o[shape.out_offset + token * shape.out_stride + head * shape.value_length + d] = acc[j] * inverse;
    }
}
