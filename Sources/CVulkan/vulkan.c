#define VK_NO_PROTOTYPES
#include "CVulkan.h"

// Without the headers (libvulkan-dev) the package still builds: every entry point then reports that this
// build has no Vulkan, as a missing loader would, and the program runs on the CPU.
#if __has_include(<vulkan/vulkan.h>)

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

// Instance-level entry points, fetched once per instance.
typedef struct {
    PFN_vkDestroyInstance DestroyInstance;
    PFN_vkEnumeratePhysicalDevices EnumeratePhysicalDevices;
    PFN_vkGetPhysicalDeviceProperties GetPhysicalDeviceProperties;
    PFN_vkGetPhysicalDeviceMemoryProperties GetPhysicalDeviceMemoryProperties;
    PFN_vkGetPhysicalDeviceQueueFamilyProperties GetPhysicalDeviceQueueFamilyProperties;
    PFN_vkCreateDevice CreateDevice;
    PFN_vkGetDeviceProcAddr GetDeviceProcAddr;
} instance_functions;

// Device-level entry points, fetched through vkGetDeviceProcAddr so calls skip the loader's dispatch.
typedef struct {
    PFN_vkDestroyDevice DestroyDevice;
    PFN_vkGetDeviceQueue GetDeviceQueue;
    PFN_vkCreateBuffer CreateBuffer;
    PFN_vkDestroyBuffer DestroyBuffer;
    PFN_vkGetBufferMemoryRequirements GetBufferMemoryRequirements;
    PFN_vkAllocateMemory AllocateMemory;
    PFN_vkFreeMemory FreeMemory;
    PFN_vkBindBufferMemory BindBufferMemory;
    PFN_vkMapMemory MapMemory;
    PFN_vkUnmapMemory UnmapMemory;
    PFN_vkCreateShaderModule CreateShaderModule;
    PFN_vkDestroyShaderModule DestroyShaderModule;
    PFN_vkCreateDescriptorSetLayout CreateDescriptorSetLayout;
    PFN_vkDestroyDescriptorSetLayout DestroyDescriptorSetLayout;
    PFN_vkCreatePipelineLayout CreatePipelineLayout;
    PFN_vkDestroyPipelineLayout DestroyPipelineLayout;
    PFN_vkCreateComputePipelines CreateComputePipelines;
    PFN_vkDestroyPipeline DestroyPipeline;
    PFN_vkCreateDescriptorPool CreateDescriptorPool;
    PFN_vkDestroyDescriptorPool DestroyDescriptorPool;
    PFN_vkResetDescriptorPool ResetDescriptorPool;
    PFN_vkAllocateDescriptorSets AllocateDescriptorSets;
    PFN_vkUpdateDescriptorSets UpdateDescriptorSets;
    PFN_vkCreateCommandPool CreateCommandPool;
    PFN_vkDestroyCommandPool DestroyCommandPool;
    PFN_vkAllocateCommandBuffers AllocateCommandBuffers;
    PFN_vkResetCommandBuffer ResetCommandBuffer;
    PFN_vkBeginCommandBuffer BeginCommandBuffer;
    PFN_vkEndCommandBuffer EndCommandBuffer;
    PFN_vkCmdBindPipeline CmdBindPipeline;
    PFN_vkCmdBindDescriptorSets CmdBindDescriptorSets;
    PFN_vkCmdPushConstants CmdPushConstants;
    PFN_vkCmdDispatch CmdDispatch;
    PFN_vkCmdPipelineBarrier CmdPipelineBarrier;
    PFN_vkCreateFence CreateFence;
    PFN_vkDestroyFence DestroyFence;
    PFN_vkResetFences ResetFences;
    PFN_vkWaitForFences WaitForFences;
    PFN_vkQueueSubmit QueueSubmit;
} device_functions;

struct gkv_instance {
    void *library;
    VkInstance instance;
    instance_functions fn;
    uint32_t physical_count;
    VkPhysicalDevice *physical;
};

struct gkv_device {
    gkv_instance *owner;
    VkPhysicalDevice physical;
    VkDevice device;
    device_functions fn;
    VkQueue queue;
    VkCommandPool command_pool;
    VkCommandBuffer command_buffer;
    VkDescriptorPool descriptor_pool;
    VkFence fence;
    uint32_t host_memory_type;
    VkDeviceSize max_buffer_bytes;
};

struct gkv_buffer {
    gkv_device *owner;
    VkBuffer buffer;
    VkDeviceMemory memory;
    VkDeviceSize size;
    void *contents;
};

struct gkv_pipeline {
    gkv_device *owner;
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline pipeline;
    uint32_t binding_count;
    uint32_t push_constant_bytes;
};

// Enough descriptor sets for one dispatch at a time; the pool is reset after each.
enum { MAX_BINDINGS = 8 };

static gkv_status fail(gkv_error *error, gkv_status status, VkResult result, const char *call, const char *message) {
    if (error) {
        error->status = status;
        error->vk_result = (int32_t)result;
        snprintf(error->call, sizeof error->call, "%s", call ? call : "");
        snprintf(error->message, sizeof error->message, "%s", message ? message : "");
    }
    return status;
}

// Maps a VkResult to the statuses callers act on; the rest keep the raw code.
static gkv_status fail_vk(gkv_error *error, VkResult result, const char *call) {
    switch (result) {
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return fail(error, GKV_OUT_OF_DEVICE_MEMORY, result, call, "out of device memory");
    case VK_ERROR_OUT_OF_HOST_MEMORY: return fail(error, GKV_OUT_OF_HOST_MEMORY, result, call, "out of host memory");
    case VK_ERROR_DEVICE_LOST: return fail(error, GKV_DEVICE_LOST, result, call, "device lost");
    default: return fail(error, GKV_VULKAN_FAILED, result, call, "");
    }
}

#define LOAD_INSTANCE(table, get, inst, name)                                                                          \
    do {                                                                                                               \
        (table).name = (PFN_vk##name)get(inst, "vk" #name);                                                            \
        if (!(table).name) { missing = "vk" #name; goto incomplete; }                                                  \
    } while (0)

gkv_status gkv_instance_create(const char *loader_path, gkv_instance **out, gkv_error *error) {
    *out = NULL;
    const char *path = loader_path && loader_path[0] ? loader_path : "libvulkan.so.1";
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        return fail(error, GKV_LOADER_MISSING, VK_SUCCESS, "dlopen", reason ? reason : path);
    }
    const char *missing = NULL;
    gkv_instance *result = calloc(1, sizeof *result);
    if (!result) { dlclose(library); return fail(error, GKV_OUT_OF_HOST_MEMORY, VK_SUCCESS, "calloc", "instance"); }
    result->library = library;

    PFN_vkGetInstanceProcAddr get_instance = (PFN_vkGetInstanceProcAddr)dlsym(library, "vkGetInstanceProcAddr");
    if (!get_instance) { missing = "vkGetInstanceProcAddr"; goto incomplete; }
    PFN_vkCreateInstance create_instance = (PFN_vkCreateInstance)get_instance(NULL, "vkCreateInstance");
    if (!create_instance) { missing = "vkCreateInstance"; goto incomplete; }

    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "ggufkit",
        .apiVersion = VK_API_VERSION_1_1,
    };
    VkInstanceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app};
    VkResult vr = create_instance(&info, NULL, &result->instance);
    if (vr != VK_SUCCESS) {
        dlclose(library);
        free(result);
        gkv_status status = fail_vk(error, vr, "vkCreateInstance");
        // No installed driver is reported as an incompatible driver: that is "no device", not a failure.
        if (vr == VK_ERROR_INCOMPATIBLE_DRIVER) return fail(error, GKV_NO_DEVICE, vr, "vkCreateInstance", "no Vulkan driver");
        if (status == GKV_VULKAN_FAILED) status = fail(error, GKV_INSTANCE_FAILED, vr, "vkCreateInstance", "");
        return status;
    }
    VkInstance inst = result->instance;
    LOAD_INSTANCE(result->fn, get_instance, inst, DestroyInstance);
    LOAD_INSTANCE(result->fn, get_instance, inst, EnumeratePhysicalDevices);
    LOAD_INSTANCE(result->fn, get_instance, inst, GetPhysicalDeviceProperties);
    LOAD_INSTANCE(result->fn, get_instance, inst, GetPhysicalDeviceMemoryProperties);
    LOAD_INSTANCE(result->fn, get_instance, inst, GetPhysicalDeviceQueueFamilyProperties);
    LOAD_INSTANCE(result->fn, get_instance, inst, CreateDevice);
    LOAD_INSTANCE(result->fn, get_instance, inst, GetDeviceProcAddr);

    vr = result->fn.EnumeratePhysicalDevices(inst, &result->physical_count, NULL);
    if (vr != VK_SUCCESS) { gkv_instance_destroy(result); return fail_vk(error, vr, "vkEnumeratePhysicalDevices"); }
    if (result->physical_count > 0) {
        result->physical = calloc(result->physical_count, sizeof *result->physical);
        if (!result->physical) { gkv_instance_destroy(result); return fail(error, GKV_OUT_OF_HOST_MEMORY, VK_SUCCESS, "calloc", "devices"); }
        vr = result->fn.EnumeratePhysicalDevices(inst, &result->physical_count, result->physical);
        if (vr != VK_SUCCESS && vr != VK_INCOMPLETE) {
            gkv_instance_destroy(result);
            return fail_vk(error, vr, "vkEnumeratePhysicalDevices");
        }
    }
    *out = result;
    return GKV_OK;

incomplete:
    if (result->instance && result->fn.DestroyInstance) result->fn.DestroyInstance(result->instance, NULL);
    dlclose(library);
    free(result);
    return fail(error, GKV_LOADER_INCOMPLETE, VK_SUCCESS, missing, "entry point missing from the loader");
}

void gkv_instance_destroy(gkv_instance *instance) {
    if (!instance) return;
    if (instance->instance && instance->fn.DestroyInstance) instance->fn.DestroyInstance(instance->instance, NULL);
    free(instance->physical);
    if (instance->library) dlclose(instance->library);
    free(instance);
}

uint32_t gkv_device_count(const gkv_instance *instance) { return instance ? instance->physical_count : 0; }

gkv_status gkv_device_info_at(const gkv_instance *instance, uint32_t index, gkv_device_info *out, gkv_error *error) {
    if (!instance || index >= instance->physical_count) return fail(error, GKV_BAD_INDEX, VK_SUCCESS, "", "device index");
    VkPhysicalDevice physical = instance->physical[index];
    VkPhysicalDeviceProperties properties;
    instance->fn.GetPhysicalDeviceProperties(physical, &properties);
    VkPhysicalDeviceMemoryProperties memory;
    instance->fn.GetPhysicalDeviceMemoryProperties(physical, &memory);
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", properties.deviceName);
    switch (properties.deviceType) {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: out->kind = GKV_DEVICE_INTEGRATED; break;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: out->kind = GKV_DEVICE_DISCRETE; break;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: out->kind = GKV_DEVICE_VIRTUAL; break;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: out->kind = GKV_DEVICE_CPU; break;
    default: out->kind = GKV_DEVICE_OTHER; break;
    }
    out->vendor_id = properties.vendorID;
    out->device_id = properties.deviceID;
    out->api_version = properties.apiVersion;
    out->max_buffer_bytes = properties.limits.maxStorageBufferRange;
    out->max_workgroups_x = properties.limits.maxComputeWorkGroupCount[0];
    for (uint32_t i = 0; i < memory.memoryHeapCount; i++) {
        if ((memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) && memory.memoryHeaps[i].size > out->device_local_bytes)
            out->device_local_bytes = memory.memoryHeaps[i].size;
    }
    return GKV_OK;
}

#define LOAD_DEVICE(name)                                                                                              \
    do {                                                                                                               \
        result->fn.name = (PFN_vk##name)get_device(result->device, "vk" #name);                                         \
        if (!result->fn.name) {                                                                                        \
            gkv_device_destroy(result);                                                                                \
            return fail(error, GKV_LOADER_INCOMPLETE, VK_SUCCESS, "vk" #name, "entry point missing from the driver");  \
        }                                                                                                              \
    } while (0)

gkv_status gkv_device_create(gkv_instance *instance, uint32_t index, gkv_device **out, gkv_error *error) {
    *out = NULL;
    if (!instance || index >= instance->physical_count) return fail(error, GKV_BAD_INDEX, VK_SUCCESS, "", "device index");
    VkPhysicalDevice physical = instance->physical[index];

    uint32_t family_count = 0;
    instance->fn.GetPhysicalDeviceQueueFamilyProperties(physical, &family_count, NULL);
    VkQueueFamilyProperties families[32];
    if (family_count > 32) family_count = 32;
    instance->fn.GetPhysicalDeviceQueueFamilyProperties(physical, &family_count, families);
    // Prefer a compute-only family (often an async compute engine), else any family with compute.
    uint32_t family = UINT32_MAX;
    for (uint32_t i = 0; i < family_count && family == UINT32_MAX; i++)
        if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) family = i;
    for (uint32_t i = 0; i < family_count && family == UINT32_MAX; i++)
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) family = i;
    if (family == UINT32_MAX) return fail(error, GKV_NO_COMPUTE_QUEUE, VK_SUCCESS, "", "no queue family supports compute");

    VkPhysicalDeviceMemoryProperties memory;
    instance->fn.GetPhysicalDeviceMemoryProperties(physical, &memory);
    const VkMemoryPropertyFlags wanted = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    uint32_t memory_type = UINT32_MAX;
    for (uint32_t i = 0; i < memory.memoryTypeCount && memory_type == UINT32_MAX; i++)
        if ((memory.memoryTypes[i].propertyFlags & wanted) == wanted) memory_type = i;
    if (memory_type == UINT32_MAX)
        return fail(error, GKV_NO_HOST_VISIBLE_MEMORY, VK_SUCCESS, "", "no host-visible coherent memory type");

    gkv_device *result = calloc(1, sizeof *result);
    if (!result) return fail(error, GKV_OUT_OF_HOST_MEMORY, VK_SUCCESS, "calloc", "device");
    result->owner = instance;
    result->physical = physical;
    result->host_memory_type = memory_type;
    VkPhysicalDeviceProperties properties;
    instance->fn.GetPhysicalDeviceProperties(physical, &properties);
    result->max_buffer_bytes = properties.limits.maxStorageBufferRange;

    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = family,
        .queueCount = 1,
        .pQueuePriorities = &priority,
    };
    VkDeviceCreateInfo device_info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &queue_info,
    };
    VkResult vr = instance->fn.CreateDevice(physical, &device_info, NULL, &result->device);
    if (vr != VK_SUCCESS) { free(result); return fail_vk(error, vr, "vkCreateDevice"); }
    PFN_vkGetDeviceProcAddr get_device = instance->fn.GetDeviceProcAddr;
    LOAD_DEVICE(DestroyDevice);
    LOAD_DEVICE(GetDeviceQueue);
    LOAD_DEVICE(CreateBuffer);
    LOAD_DEVICE(DestroyBuffer);
    LOAD_DEVICE(GetBufferMemoryRequirements);
    LOAD_DEVICE(AllocateMemory);
    LOAD_DEVICE(FreeMemory);
    LOAD_DEVICE(BindBufferMemory);
    LOAD_DEVICE(MapMemory);
    LOAD_DEVICE(UnmapMemory);
    LOAD_DEVICE(CreateShaderModule);
    LOAD_DEVICE(DestroyShaderModule);
    LOAD_DEVICE(CreateDescriptorSetLayout);
    LOAD_DEVICE(DestroyDescriptorSetLayout);
    LOAD_DEVICE(CreatePipelineLayout);
    LOAD_DEVICE(DestroyPipelineLayout);
    LOAD_DEVICE(CreateComputePipelines);
    LOAD_DEVICE(DestroyPipeline);
    LOAD_DEVICE(CreateDescriptorPool);
    LOAD_DEVICE(DestroyDescriptorPool);
    LOAD_DEVICE(ResetDescriptorPool);
    LOAD_DEVICE(AllocateDescriptorSets);
    LOAD_DEVICE(UpdateDescriptorSets);
    LOAD_DEVICE(CreateCommandPool);
    LOAD_DEVICE(DestroyCommandPool);
    LOAD_DEVICE(AllocateCommandBuffers);
    LOAD_DEVICE(ResetCommandBuffer);
    LOAD_DEVICE(BeginCommandBuffer);
    LOAD_DEVICE(EndCommandBuffer);
    LOAD_DEVICE(CmdBindPipeline);
    LOAD_DEVICE(CmdBindDescriptorSets);
    LOAD_DEVICE(CmdPushConstants);
    LOAD_DEVICE(CmdDispatch);
    LOAD_DEVICE(CmdPipelineBarrier);
    LOAD_DEVICE(CreateFence);
    LOAD_DEVICE(DestroyFence);
    LOAD_DEVICE(ResetFences);
    LOAD_DEVICE(WaitForFences);
    LOAD_DEVICE(QueueSubmit);

    result->fn.GetDeviceQueue(result->device, family, 0, &result->queue);

    VkCommandPoolCreateInfo pool_info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = family,
    };
    vr = result->fn.CreateCommandPool(result->device, &pool_info, NULL, &result->command_pool);
    if (vr != VK_SUCCESS) { gkv_device_destroy(result); return fail_vk(error, vr, "vkCreateCommandPool"); }
    VkCommandBufferAllocateInfo buffer_info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = result->command_pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    vr = result->fn.AllocateCommandBuffers(result->device, &buffer_info, &result->command_buffer);
    if (vr != VK_SUCCESS) { gkv_device_destroy(result); return fail_vk(error, vr, "vkAllocateCommandBuffers"); }

    VkDescriptorPoolSize pool_size = {.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, .descriptorCount = MAX_BINDINGS};
    VkDescriptorPoolCreateInfo descriptor_info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = 1,
        .poolSizeCount = 1,
        .pPoolSizes = &pool_size,
    };
    vr = result->fn.CreateDescriptorPool(result->device, &descriptor_info, NULL, &result->descriptor_pool);
    if (vr != VK_SUCCESS) { gkv_device_destroy(result); return fail_vk(error, vr, "vkCreateDescriptorPool"); }
    VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    vr = result->fn.CreateFence(result->device, &fence_info, NULL, &result->fence);
    if (vr != VK_SUCCESS) { gkv_device_destroy(result); return fail_vk(error, vr, "vkCreateFence"); }
    *out = result;
    return GKV_OK;
}

void gkv_device_destroy(gkv_device *device) {
    if (!device) return;
    if (device->device) {
        if (device->fence) device->fn.DestroyFence(device->device, device->fence, NULL);
        if (device->descriptor_pool) device->fn.DestroyDescriptorPool(device->device, device->descriptor_pool, NULL);
        if (device->command_pool) device->fn.DestroyCommandPool(device->device, device->command_pool, NULL);
        if (device->fn.DestroyDevice) device->fn.DestroyDevice(device->device, NULL);
    }
    free(device);
}

gkv_status gkv_buffer_create(gkv_device *device, uint64_t bytes, gkv_buffer **out, gkv_error *error) {
    *out = NULL;
    if (bytes == 0) bytes = 4;
    if (bytes > device->max_buffer_bytes) {
        char message[128];
        snprintf(message, sizeof message, "%llu bytes, the device binds at most %llu", (unsigned long long)bytes,
                 (unsigned long long)device->max_buffer_bytes);
        return fail(error, GKV_BUFFER_TOO_LARGE, VK_SUCCESS, "", message);
    }
    gkv_buffer *result = calloc(1, sizeof *result);
    if (!result) return fail(error, GKV_OUT_OF_HOST_MEMORY, VK_SUCCESS, "calloc", "buffer");
    result->owner = device;
    result->size = bytes;
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = bytes,
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VkResult vr = device->fn.CreateBuffer(device->device, &info, NULL, &result->buffer);
    if (vr != VK_SUCCESS) { free(result); return fail_vk(error, vr, "vkCreateBuffer"); }
    VkMemoryRequirements requirements;
    device->fn.GetBufferMemoryRequirements(device->device, result->buffer, &requirements);
    if (!(requirements.memoryTypeBits & (1u << device->host_memory_type))) {
        gkv_buffer_destroy(result);
        return fail(error, GKV_NO_HOST_VISIBLE_MEMORY, VK_SUCCESS, "vkGetBufferMemoryRequirements",
                    "storage buffers cannot live in host-visible memory");
    }
    VkMemoryAllocateInfo allocate = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = requirements.size,
        .memoryTypeIndex = device->host_memory_type,
    };
    vr = device->fn.AllocateMemory(device->device, &allocate, NULL, &result->memory);
    if (vr != VK_SUCCESS) { gkv_buffer_destroy(result); return fail_vk(error, vr, "vkAllocateMemory"); }
    vr = device->fn.BindBufferMemory(device->device, result->buffer, result->memory, 0);
    if (vr != VK_SUCCESS) { gkv_buffer_destroy(result); return fail_vk(error, vr, "vkBindBufferMemory"); }
    vr = device->fn.MapMemory(device->device, result->memory, 0, VK_WHOLE_SIZE, 0, &result->contents);
    if (vr != VK_SUCCESS) { gkv_buffer_destroy(result); return fail_vk(error, vr, "vkMapMemory"); }
    *out = result;
    return GKV_OK;
}

void gkv_buffer_destroy(gkv_buffer *buffer) {
    if (!buffer) return;
    gkv_device *device = buffer->owner;
    if (buffer->contents) device->fn.UnmapMemory(device->device, buffer->memory);
    if (buffer->buffer) device->fn.DestroyBuffer(device->device, buffer->buffer, NULL);
    if (buffer->memory) device->fn.FreeMemory(device->device, buffer->memory, NULL);
    free(buffer);
}

void *gkv_buffer_contents(gkv_buffer *buffer) { return buffer ? buffer->contents : NULL; }
uint64_t gkv_buffer_size(const gkv_buffer *buffer) { return buffer ? buffer->size : 0; }

gkv_status gkv_pipeline_create(gkv_device *device, const uint32_t *spirv, size_t spirv_bytes, uint32_t binding_count,
                               uint32_t push_constant_bytes, gkv_pipeline **out, gkv_error *error) {
    *out = NULL;
    if (binding_count == 0 || binding_count > MAX_BINDINGS)
        return fail(error, GKV_SHADER_REJECTED, VK_SUCCESS, "", "binding count out of range");
    gkv_pipeline *result = calloc(1, sizeof *result);
    if (!result) return fail(error, GKV_OUT_OF_HOST_MEMORY, VK_SUCCESS, "calloc", "pipeline");
    result->owner = device;
    result->binding_count = binding_count;
    result->push_constant_bytes = push_constant_bytes;

    VkDescriptorSetLayoutBinding bindings[MAX_BINDINGS];
    for (uint32_t i = 0; i < binding_count; i++) {
        bindings[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    }
    VkDescriptorSetLayoutCreateInfo set_info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = binding_count,
        .pBindings = bindings,
    };
    VkResult vr = device->fn.CreateDescriptorSetLayout(device->device, &set_info, NULL, &result->set_layout);
    if (vr != VK_SUCCESS) { gkv_pipeline_destroy(result); return fail_vk(error, vr, "vkCreateDescriptorSetLayout"); }
    VkPushConstantRange range = {.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .offset = 0, .size = push_constant_bytes};
    VkPipelineLayoutCreateInfo layout_info = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &result->set_layout,
        .pushConstantRangeCount = push_constant_bytes ? 1 : 0,
        .pPushConstantRanges = push_constant_bytes ? &range : NULL,
    };
    vr = device->fn.CreatePipelineLayout(device->device, &layout_info, NULL, &result->layout);
    if (vr != VK_SUCCESS) { gkv_pipeline_destroy(result); return fail_vk(error, vr, "vkCreatePipelineLayout"); }

    VkShaderModuleCreateInfo module_info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = spirv_bytes,
        .pCode = spirv,
    };
    VkShaderModule module = VK_NULL_HANDLE;
    vr = device->fn.CreateShaderModule(device->device, &module_info, NULL, &module);
    if (vr != VK_SUCCESS) {
        gkv_pipeline_destroy(result);
        gkv_status status = fail_vk(error, vr, "vkCreateShaderModule");
        return status == GKV_VULKAN_FAILED ? fail(error, GKV_SHADER_REJECTED, vr, "vkCreateShaderModule", "") : status;
    }
    VkComputePipelineCreateInfo pipeline_info = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = module,
            .pName = "main",
        },
        .layout = result->layout,
    };
    vr = device->fn.CreateComputePipelines(device->device, VK_NULL_HANDLE, 1, &pipeline_info, NULL, &result->pipeline);
    device->fn.DestroyShaderModule(device->device, module, NULL);
    if (vr != VK_SUCCESS) {
        gkv_pipeline_destroy(result);
        gkv_status status = fail_vk(error, vr, "vkCreateComputePipelines");
        return status == GKV_VULKAN_FAILED ? fail(error, GKV_SHADER_REJECTED, vr, "vkCreateComputePipelines", "") : status;
    }
    *out = result;
    return GKV_OK;
}

void gkv_pipeline_destroy(gkv_pipeline *pipeline) {
    if (!pipeline) return;
    gkv_device *device = pipeline->owner;
    if (pipeline->pipeline) device->fn.DestroyPipeline(device->device, pipeline->pipeline, NULL);
    if (pipeline->layout) device->fn.DestroyPipelineLayout(device->device, pipeline->layout, NULL);
    if (pipeline->set_layout) device->fn.DestroyDescriptorSetLayout(device->device, pipeline->set_layout, NULL);
    free(pipeline);
}

gkv_status gkv_dispatch(gkv_device *device, gkv_pipeline *pipeline, gkv_buffer *const *buffers, uint32_t buffer_count,
                        const void *push_constants, uint32_t push_constant_bytes, uint32_t groups_x, uint32_t groups_y,
                        uint32_t groups_z, gkv_error *error) {
    if (buffer_count != pipeline->binding_count)
        return fail(error, GKV_BAD_INDEX, VK_SUCCESS, "", "buffer count differs from the pipeline's bindings");
    if (push_constant_bytes != pipeline->push_constant_bytes)
        return fail(error, GKV_BAD_INDEX, VK_SUCCESS, "", "push constant size differs from the pipeline's");

    VkResult vr = device->fn.ResetDescriptorPool(device->device, device->descriptor_pool, 0);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkResetDescriptorPool");
    VkDescriptorSetAllocateInfo set_info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = device->descriptor_pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &pipeline->set_layout,
    };
    VkDescriptorSet set;
    vr = device->fn.AllocateDescriptorSets(device->device, &set_info, &set);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkAllocateDescriptorSets");
    VkDescriptorBufferInfo infos[MAX_BINDINGS];
    VkWriteDescriptorSet writes[MAX_BINDINGS];
    for (uint32_t i = 0; i < buffer_count; i++) {
        infos[i] = (VkDescriptorBufferInfo){.buffer = buffers[i]->buffer, .offset = 0, .range = VK_WHOLE_SIZE};
        writes[i] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = set,
            .dstBinding = i,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &infos[i],
        };
    }
    device->fn.UpdateDescriptorSets(device->device, buffer_count, writes, 0, NULL);

    VkCommandBuffer commands = device->command_buffer;
    vr = device->fn.ResetCommandBuffer(commands, 0);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkResetCommandBuffer");
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    vr = device->fn.BeginCommandBuffer(commands, &begin);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkBeginCommandBuffer");
    device->fn.CmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->pipeline);
    device->fn.CmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout, 0, 1, &set, 0, NULL);
    if (push_constant_bytes)
        device->fn.CmdPushConstants(commands, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_constant_bytes,
                                    push_constants);
    device->fn.CmdDispatch(commands, groups_x, groups_y, groups_z);
    // Make the shader's writes visible to the host reading the mapped memory after the fence.
    VkMemoryBarrier barrier = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
    };
    device->fn.CmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier,
                                  0, NULL, 0, NULL);
    vr = device->fn.EndCommandBuffer(commands);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkEndCommandBuffer");

    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &commands,
    };
    vr = device->fn.ResetFences(device->device, 1, &device->fence);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkResetFences");
    vr = device->fn.QueueSubmit(device->queue, 1, &submit, device->fence);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkQueueSubmit");
    vr = device->fn.WaitForFences(device->device, 1, &device->fence, VK_TRUE, UINT64_MAX);
    if (vr != VK_SUCCESS) return fail_vk(error, vr, "vkWaitForFences");
    return GKV_OK;
}

#else

#include <stdio.h>

static gkv_status no_headers(gkv_error *error) {
    if (error) {
        error->status = GKV_LOADER_MISSING;
        error->vk_result = 0;
        snprintf(error->call, sizeof error->call, "%s", "build");
        snprintf(error->message, sizeof error->message, "%s", "ggufkit was built without the Vulkan headers (libvulkan-dev)");
    }
    return GKV_LOADER_MISSING;
}

gkv_status gkv_instance_create(const char *loader_path, gkv_instance **out, gkv_error *error) {
    (void)loader_path;
    *out = NULL;
    return no_headers(error);
}
void gkv_instance_destroy(gkv_instance *instance) { (void)instance; }
uint32_t gkv_device_count(const gkv_instance *instance) { (void)instance; return 0; }
gkv_status gkv_device_info_at(const gkv_instance *instance, uint32_t index, gkv_device_info *out, gkv_error *error) {
    (void)instance; (void)index; (void)out;
    return no_headers(error);
}
gkv_status gkv_device_create(gkv_instance *instance, uint32_t index, gkv_device **out, gkv_error *error) {
    (void)instance; (void)index;
    *out = NULL;
    return no_headers(error);
}
void gkv_device_destroy(gkv_device *device) { (void)device; }
gkv_status gkv_buffer_create(gkv_device *device, uint64_t bytes, gkv_buffer **out, gkv_error *error) {
    (void)device; (void)bytes;
    *out = NULL;
    return no_headers(error);
}
void gkv_buffer_destroy(gkv_buffer *buffer) { (void)buffer; }
void *gkv_buffer_contents(gkv_buffer *buffer) { (void)buffer; return NULL; }
uint64_t gkv_buffer_size(const gkv_buffer *buffer) { (void)buffer; return 0; }
gkv_status gkv_pipeline_create(gkv_device *device, const uint32_t *spirv, size_t spirv_bytes, uint32_t binding_count,
                               uint32_t push_constant_bytes, gkv_pipeline **out, gkv_error *error) {
    (void)device; (void)spirv; (void)spirv_bytes; (void)binding_count; (void)push_constant_bytes;
    *out = NULL;
    return no_headers(error);
}
void gkv_pipeline_destroy(gkv_pipeline *pipeline) { (void)pipeline; }
gkv_status gkv_dispatch(gkv_device *device, gkv_pipeline *pipeline, gkv_buffer *const *buffers, uint32_t buffer_count,
                        const void *push_constants, uint32_t push_constant_bytes, uint32_t groups_x, uint32_t groups_y,
                        uint32_t groups_z, gkv_error *error) {
    (void)device; (void)pipeline; (void)buffers; (void)buffer_count; (void)push_constants; (void)push_constant_bytes;
    (void)groups_x; (void)groups_y; (void)groups_z;
    return no_headers(error);
}

#endif
