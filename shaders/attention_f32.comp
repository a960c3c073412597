#version 450
// Attention over an F32 key/value cache (see attention.glsl).
#include "attention.glsl"
