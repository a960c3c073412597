#ifndef GGUFKIT_CGPUSHADERS_H
#define GGUFKIT_CGPUSHADERS_H

// The compute shaders as SPIR-V, compiled from shaders/*.comp by scripts/compile-shaders.sh (spirv.c is
// generated; CI runs the script with --check to keep it in step with the GLSL).

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;          // the shader file's name without ".comp"
    const uint32_t *words;
    size_t word_count;
} gk_spirv_shader;

size_t gk_spirv_shader_count(void);
/// The shader at `index` (< gk_spirv_shader_count()), or NULL.
const gk_spirv_shader *gk_spirv_shader_at(size_t index);

#endif
