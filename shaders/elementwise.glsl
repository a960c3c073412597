// Invocations walk `count` elements in a grid-stride loop, so any count fits the x workgroup limit.
#define WORKGROUP 64
layout(local_size_x = WORKGROUP) in;

#define FOR_EACH_ELEMENT(i, count) \
    for (uint i = gl_GlobalInvocationID.x; i < (count); i += gl_NumWorkGroups.x * WORKGROUP)
