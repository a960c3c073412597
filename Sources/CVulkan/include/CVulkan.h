#ifndef GGUFKIT_CVULKAN_H
#define GGUFKIT_CVULKAN_H

// A thin C layer over Vulkan compute. The loader (libvulkan.so.1) is opened at run time with dlopen so
// the same binary runs on machines without Vulkan; every Vulkan function is fetched through
// vkGetInstanceProcAddr / vkGetDeviceProcAddr. Vulkan's own types stay inside vulkan.c so Swift sees only
// opaque handles and plain structs.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    GKV_OK = 0,
    GKV_LOADER_MISSING,        // dlopen failed; message holds dlerror()
    GKV_LOADER_INCOMPLETE,     // the loader lacks a required entry point; message names it
    GKV_INSTANCE_FAILED,       // vkCreateInstance failed (no driver installed gives VK_ERROR_INCOMPATIBLE_DRIVER)
    GKV_NO_DEVICE,             // the instance lists no physical device
    GKV_BAD_INDEX,             // device index out of range
    GKV_NO_COMPUTE_QUEUE,
    GKV_NO_HOST_VISIBLE_MEMORY,
    GKV_BUFFER_TOO_LARGE,      // beyond maxStorageBufferRange
    GKV_OUT_OF_DEVICE_MEMORY,
    GKV_OUT_OF_HOST_MEMORY,
    GKV_DEVICE_LOST,
    GKV_SHADER_REJECTED,       // vkCreateShaderModule or vkCreateComputePipelines failed
    GKV_VULKAN_FAILED,         // any other VkResult; call names the function
} gkv_status;

typedef struct {
    gkv_status status;
    int32_t vk_result;         // the VkResult behind the status, 0 when none
    char call[64];             // the Vulkan function (or "dlopen") that failed
    char message[256];
} gkv_error;

typedef enum {
    GKV_DEVICE_OTHER = 0,
    GKV_DEVICE_INTEGRATED = 1,
    GKV_DEVICE_DISCRETE = 2,
    GKV_DEVICE_VIRTUAL = 3,
    GKV_DEVICE_CPU = 4,
} gkv_device_kind;

typedef struct {
    char name[256];
    gkv_device_kind kind;
    uint32_t vendor_id;
    uint32_t device_id;
    uint32_t api_version;
    uint64_t device_local_bytes;   // size of the largest device-local heap
    uint64_t max_buffer_bytes;     // maxStorageBufferRange
    uint32_t max_workgroups_x;
} gkv_device_info;

typedef struct gkv_instance gkv_instance;
typedef struct gkv_device gkv_device;
typedef struct gkv_buffer gkv_buffer;
typedef struct gkv_pipeline gkv_pipeline;

/// Opens the loader at `loader_path` (NULL: "libvulkan.so.1"), creates an instance and lists its devices.
gkv_status gkv_instance_create(const char *loader_path, gkv_instance **out, gkv_error *error);
void gkv_instance_destroy(gkv_instance *instance);
uint32_t gkv_device_count(const gkv_instance *instance);
gkv_status gkv_device_info_at(const gkv_instance *instance, uint32_t index, gkv_device_info *out, gkv_error *error);

/// Creates a logical device with one compute queue. The instance must outlive the device.
gkv_status gkv_device_create(gkv_instance *instance, uint32_t index, gkv_device **out, gkv_error *error);
void gkv_device_destroy(gkv_device *device);

/// A host-visible, host-coherent storage buffer, mapped for its whole life.
gkv_status gkv_buffer_create(gkv_device *device, uint64_t bytes, gkv_buffer **out, gkv_error *error);
void gkv_buffer_destroy(gkv_buffer *buffer);
void *gkv_buffer_contents(gkv_buffer *buffer);
uint64_t gkv_buffer_size(const gkv_buffer *buffer);

/// A compute pipeline whose bindings 0..<binding_count in set 0 are storage buffers.
gkv_status gkv_pipeline_create(gkv_device *device, const uint32_t *spirv, size_t spirv_bytes, uint32_t binding_count,
                               uint32_t push_constant_bytes, gkv_pipeline **out, gkv_error *error);
void gkv_pipeline_destroy(gkv_pipeline *pipeline);

/// Binds `buffers` in order, dispatches groups_x × groups_y × groups_z workgroups and waits for completion.
/// One dispatch runs at a time per device; callers serialise.
gkv_status gkv_dispatch(gkv_device *device, gkv_pipeline *pipeline, gkv_buffer *const *buffers, uint32_t buffer_count,
                        const void *push_constants, uint32_t push_constant_bytes, uint32_t groups_x, uint32_t groups_y,
                        uint32_t groups_z, gkv_error *error);

#ifdef __cplusplus
}
#endif

#endif
