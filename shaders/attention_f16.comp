#version 450
// Attention over an F16 key/value cache (see attention.glsl).
#define CACHE_F16
#include "attention.glsl"
