/* unsupported.c — every host-side API function that no other file of the core defines,
 * answering TRITONSERVER_ERROR_UNSUPPORTED with a message naming the function.
 *
 * Why: backends are dlopen'ed with RTLD_NOW, so every TRITONSERVER_* / TRITONBACKEND_*
 * symbol they reference must exist in libtritonserver.so, even ones they never call
 * (shared/spec/triton-api.md §0). Each stub here is a WEAK symbol: a real (strong)
 * definition elsewhere in src/core wins at link time. Stubs that are overridden are
 * pruned from this file, so what remains is exactly torchd's list of unsupported
 * functions. The backend-implemented entry points (Initialize, ModelInstanceExecute,
 * the batcher hooks, ...) are never defined here: see exports.map. */
#include <stdio.h>

#include "triton/core/tritonbackend.h"
#include "triton/core/tritonserver.h"

#define WEAK __attribute__((weak))

/* Returns a new UNSUPPORTED error (caller owns) naming 'function'. */
static TRITONSERVER_Error *unsupported(const char *function)
{
  char message[160];
  snprintf(message, sizeof(message), "%s is not supported by torchd", function);
  return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_UNSUPPORTED, message);
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ApiVersion(uint32_t *major, uint32_t *minor)
{
  (void)major;
  (void)minor;
  return unsupported("TRITONBACKEND_ApiVersion");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_MemoryManagerAllocate(
    TRITONBACKEND_MemoryManager *manager,
    void **buffer,
    const TRITONSERVER_MemoryType memory_type,
    const int64_t memory_type_id,
    const uint64_t byte_size)
{
  (void)manager;
  (void)buffer;
  (void)memory_type;
  (void)memory_type_id;
  (void)byte_size;
  return unsupported("TRITONBACKEND_MemoryManagerAllocate");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_MemoryManagerFree(
    TRITONBACKEND_MemoryManager *manager,
    void *buffer,
    const TRITONSERVER_MemoryType memory_type,
    const int64_t memory_type_id)
{
  (void)manager;
  (void)buffer;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONBACKEND_MemoryManagerFree");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InputProperties(
    TRITONBACKEND_Input *input,
    const char **name,
    TRITONSERVER_DataType *datatype,
    const int64_t **shape,
    uint32_t *dims_count,
    uint64_t *byte_size,
    uint32_t *buffer_count)
{
  (void)input;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dims_count;
  (void)byte_size;
  (void)buffer_count;
  return unsupported("TRITONBACKEND_InputProperties");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InputPropertiesForHostPolicy(
    TRITONBACKEND_Input *input,
    const char *host_policy_name,
    const char **name,
    TRITONSERVER_DataType *datatype,
    const int64_t **shape,
    uint32_t *dims_count,
    uint64_t *byte_size,
    uint32_t *buffer_count)
{
  (void)input;
  (void)host_policy_name;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dims_count;
  (void)byte_size;
  (void)buffer_count;
  return unsupported("TRITONBACKEND_InputPropertiesForHostPolicy");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InputBuffer(
    TRITONBACKEND_Input *input,
    const uint32_t index,
    const void **buffer,
    uint64_t *buffer_byte_size,
    TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id)
{
  (void)input;
  (void)index;
  (void)buffer;
  (void)buffer_byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONBACKEND_InputBuffer");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InputBufferForHostPolicy(
    TRITONBACKEND_Input *input,
    const char *host_policy_name,
    const uint32_t index,
    const void **buffer,
    uint64_t *buffer_byte_size,
    TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id)
{
  (void)input;
  (void)host_policy_name;
  (void)index;
  (void)buffer;
  (void)buffer_byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONBACKEND_InputBufferForHostPolicy");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InputBufferAttributes(
    TRITONBACKEND_Input *input,
    const uint32_t index,
    const void **buffer,
    TRITONSERVER_BufferAttributes **buffer_attributes)
{
  (void)input;
  (void)index;
  (void)buffer;
  (void)buffer_attributes;
  return unsupported("TRITONBACKEND_InputBufferAttributes");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_OutputBuffer(
    TRITONBACKEND_Output *output,
    void **buffer,
    const uint64_t buffer_byte_size,
    TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id)
{
  (void)output;
  (void)buffer;
  (void)buffer_byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONBACKEND_OutputBuffer");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_OutputBufferAttributes(
    TRITONBACKEND_Output *output,
    TRITONSERVER_BufferAttributes **buffer_attributes)
{
  (void)output;
  (void)buffer_attributes;
  return unsupported("TRITONBACKEND_OutputBufferAttributes");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestId(TRITONBACKEND_Request *request, const char **id)
{
  (void)request;
  (void)id;
  return unsupported("TRITONBACKEND_RequestId");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestIsCancelled(
    TRITONBACKEND_Request *request,
    bool *is_cancelled)
{
  (void)request;
  (void)is_cancelled;
  return unsupported("TRITONBACKEND_RequestIsCancelled");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseFactoryIsCancelled(
    TRITONBACKEND_ResponseFactory *factory,
    bool *is_cancelled)
{
  (void)factory;
  (void)is_cancelled;
  return unsupported("TRITONBACKEND_ResponseFactoryIsCancelled");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestCorrelationId(
    TRITONBACKEND_Request *request,
    uint64_t *id)
{
  (void)request;
  (void)id;
  return unsupported("TRITONBACKEND_RequestCorrelationId");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InferenceRequestTimeoutMicroseconds(
    TRITONBACKEND_Request *request,
    uint64_t *timeout)
{
  (void)request;
  (void)timeout;
  return unsupported("TRITONBACKEND_InferenceRequestTimeoutMicroseconds");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestCorrelationIdString(
    TRITONBACKEND_Request *request,
    const char **id)
{
  (void)request;
  (void)id;
  return unsupported("TRITONBACKEND_RequestCorrelationIdString");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestFlags(TRITONBACKEND_Request *request, uint32_t *flags)
{
  (void)request;
  (void)flags;
  return unsupported("TRITONBACKEND_RequestFlags");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestParameterCount(
    TRITONBACKEND_Request *request,
    uint32_t *count)
{
  (void)request;
  (void)count;
  return unsupported("TRITONBACKEND_RequestParameterCount");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestParameter(
    TRITONBACKEND_Request *request,
    const uint32_t index,
    const char **key,
    TRITONSERVER_ParameterType *type,
    const void **vvalue)
{
  (void)request;
  (void)index;
  (void)key;
  (void)type;
  (void)vvalue;
  return unsupported("TRITONBACKEND_RequestParameter");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestInputCount(
    TRITONBACKEND_Request *request,
    uint32_t *count)
{
  (void)request;
  (void)count;
  return unsupported("TRITONBACKEND_RequestInputCount");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestInputName(
    TRITONBACKEND_Request *request,
    const uint32_t index,
    const char **input_name)
{
  (void)request;
  (void)index;
  (void)input_name;
  return unsupported("TRITONBACKEND_RequestInputName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestInput(
    TRITONBACKEND_Request *request,
    const char *name,
    TRITONBACKEND_Input **input)
{
  (void)request;
  (void)name;
  (void)input;
  return unsupported("TRITONBACKEND_RequestInput");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestInputByIndex(
    TRITONBACKEND_Request *request,
    const uint32_t index,
    TRITONBACKEND_Input **input)
{
  (void)request;
  (void)index;
  (void)input;
  return unsupported("TRITONBACKEND_RequestInputByIndex");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestOutputCount(
    TRITONBACKEND_Request *request,
    uint32_t *count)
{
  (void)request;
  (void)count;
  return unsupported("TRITONBACKEND_RequestOutputCount");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestOutputName(
    TRITONBACKEND_Request *request,
    const uint32_t index,
    const char **output_name)
{
  (void)request;
  (void)index;
  (void)output_name;
  return unsupported("TRITONBACKEND_RequestOutputName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestOutputBufferProperties(
    TRITONBACKEND_Request *request,
    const char *name,
    size_t *byte_size,
    TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id)
{
  (void)request;
  (void)name;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONBACKEND_RequestOutputBufferProperties");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestRelease(
    TRITONBACKEND_Request *request,
    uint32_t release_flags)
{
  (void)request;
  (void)release_flags;
  return unsupported("TRITONBACKEND_RequestRelease");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_RequestTrace(
    TRITONBACKEND_Request *request,
    TRITONSERVER_InferenceTrace **trace)
{
  (void)request;
  (void)trace;
  return unsupported("TRITONBACKEND_RequestTrace");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseFactoryNew(
    TRITONBACKEND_ResponseFactory **factory,
    TRITONBACKEND_Request *request)
{
  (void)factory;
  (void)request;
  return unsupported("TRITONBACKEND_ResponseFactoryNew");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseFactoryDelete(TRITONBACKEND_ResponseFactory *factory)
{
  (void)factory;
  return unsupported("TRITONBACKEND_ResponseFactoryDelete");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseFactorySendFlags(
    TRITONBACKEND_ResponseFactory *factory,
    const uint32_t send_flags)
{
  (void)factory;
  (void)send_flags;
  return unsupported("TRITONBACKEND_ResponseFactorySendFlags");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseNew(
    TRITONBACKEND_Response **response,
    TRITONBACKEND_Request *request)
{
  (void)response;
  (void)request;
  return unsupported("TRITONBACKEND_ResponseNew");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseNewFromFactory(
    TRITONBACKEND_Response **response,
    TRITONBACKEND_ResponseFactory *factory)
{
  (void)response;
  (void)factory;
  return unsupported("TRITONBACKEND_ResponseNewFromFactory");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseDelete(TRITONBACKEND_Response *response)
{
  (void)response;
  return unsupported("TRITONBACKEND_ResponseDelete");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseSetStringParameter(
    TRITONBACKEND_Response *response,
    const char *name,
    const char *value)
{
  (void)response;
  (void)name;
  (void)value;
  return unsupported("TRITONBACKEND_ResponseSetStringParameter");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseSetIntParameter(
    TRITONBACKEND_Response *response,
    const char *name,
    const int64_t value)
{
  (void)response;
  (void)name;
  (void)value;
  return unsupported("TRITONBACKEND_ResponseSetIntParameter");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseSetBoolParameter(
    TRITONBACKEND_Response *response,
    const char *name,
    const bool value)
{
  (void)response;
  (void)name;
  (void)value;
  return unsupported("TRITONBACKEND_ResponseSetBoolParameter");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseSetDoubleParameter(
    TRITONBACKEND_Response *response,
    const char *name,
    const double value)
{
  (void)response;
  (void)name;
  (void)value;
  return unsupported("TRITONBACKEND_ResponseSetDoubleParameter");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseOutput(
    TRITONBACKEND_Response *response,
    TRITONBACKEND_Output **output,
    const char *name,
    const TRITONSERVER_DataType datatype,
    const int64_t *shape,
    const uint32_t dims_count)
{
  (void)response;
  (void)output;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dims_count;
  return unsupported("TRITONBACKEND_ResponseOutput");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ResponseSend(
    TRITONBACKEND_Response *response,
    const uint32_t send_flags,
    TRITONSERVER_Error *error)
{
  (void)response;
  (void)send_flags;
  (void)error;
  return unsupported("TRITONBACKEND_ResponseSend");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_StateNew(
    TRITONBACKEND_State **state,
    TRITONBACKEND_Request *request,
    const char *name,
    const TRITONSERVER_DataType datatype,
    const int64_t *shape,
    const uint32_t dims_count)
{
  (void)state;
  (void)request;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dims_count;
  return unsupported("TRITONBACKEND_StateNew");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_StateUpdate(TRITONBACKEND_State *state)
{
  (void)state;
  return unsupported("TRITONBACKEND_StateUpdate");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_StateBuffer(
    TRITONBACKEND_State *state,
    void **buffer,
    const uint64_t buffer_byte_size,
    TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id)
{
  (void)state;
  (void)buffer;
  (void)buffer_byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONBACKEND_StateBuffer");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_StateBufferAttributes(
    TRITONBACKEND_State *state,
    TRITONSERVER_BufferAttributes **buffer_attributes)
{
  (void)state;
  (void)buffer_attributes;
  return unsupported("TRITONBACKEND_StateBufferAttributes");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendName(
    TRITONBACKEND_Backend *backend,
    const char **name)
{
  (void)backend;
  (void)name;
  return unsupported("TRITONBACKEND_BackendName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendConfig(
    TRITONBACKEND_Backend *backend,
    TRITONSERVER_Message **backend_config)
{
  (void)backend;
  (void)backend_config;
  return unsupported("TRITONBACKEND_BackendConfig");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendExecutionPolicy(
    TRITONBACKEND_Backend *backend,
    TRITONBACKEND_ExecutionPolicy *policy)
{
  (void)backend;
  (void)policy;
  return unsupported("TRITONBACKEND_BackendExecutionPolicy");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendSetExecutionPolicy(
    TRITONBACKEND_Backend *backend,
    TRITONBACKEND_ExecutionPolicy policy)
{
  (void)backend;
  (void)policy;
  return unsupported("TRITONBACKEND_BackendSetExecutionPolicy");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendArtifacts(
    TRITONBACKEND_Backend *backend,
    TRITONBACKEND_ArtifactType *artifact_type,
    const char **location)
{
  (void)backend;
  (void)artifact_type;
  (void)location;
  return unsupported("TRITONBACKEND_BackendArtifacts");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendMemoryManager(
    TRITONBACKEND_Backend *backend,
    TRITONBACKEND_MemoryManager **manager)
{
  (void)backend;
  (void)manager;
  return unsupported("TRITONBACKEND_BackendMemoryManager");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendState(TRITONBACKEND_Backend *backend, void **state)
{
  (void)backend;
  (void)state;
  return unsupported("TRITONBACKEND_BackendState");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendSetState(TRITONBACKEND_Backend *backend, void *state)
{
  (void)backend;
  (void)state;
  return unsupported("TRITONBACKEND_BackendSetState");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelName(TRITONBACKEND_Model *model, const char **name)
{
  (void)model;
  (void)name;
  return unsupported("TRITONBACKEND_ModelName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelVersion(TRITONBACKEND_Model *model, uint64_t *version)
{
  (void)model;
  (void)version;
  return unsupported("TRITONBACKEND_ModelVersion");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelRepository(
    TRITONBACKEND_Model *model,
    TRITONBACKEND_ArtifactType *artifact_type,
    const char **location)
{
  (void)model;
  (void)artifact_type;
  (void)location;
  return unsupported("TRITONBACKEND_ModelRepository");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelConfig(
    TRITONBACKEND_Model *model,
    const uint32_t config_version,
    TRITONSERVER_Message **model_config)
{
  (void)model;
  (void)config_version;
  (void)model_config;
  return unsupported("TRITONBACKEND_ModelConfig");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelAutoCompleteConfig(
    TRITONBACKEND_Model *model,
    bool *auto_complete_config)
{
  (void)model;
  (void)auto_complete_config;
  return unsupported("TRITONBACKEND_ModelAutoCompleteConfig");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelSetConfig(
    TRITONBACKEND_Model *model,
    const uint32_t config_version,
    TRITONSERVER_Message *model_config)
{
  (void)model;
  (void)config_version;
  (void)model_config;
  return unsupported("TRITONBACKEND_ModelSetConfig");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelServer(
    TRITONBACKEND_Model *model,
    TRITONSERVER_Server **server)
{
  (void)model;
  (void)server;
  return unsupported("TRITONBACKEND_ModelServer");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelBackend(
    TRITONBACKEND_Model *model,
    TRITONBACKEND_Backend **backend)
{
  (void)model;
  (void)backend;
  return unsupported("TRITONBACKEND_ModelBackend");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelState(TRITONBACKEND_Model *model, void **state)
{
  (void)model;
  (void)state;
  return unsupported("TRITONBACKEND_ModelState");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelSetState(TRITONBACKEND_Model *model, void *state)
{
  (void)model;
  (void)state;
  return unsupported("TRITONBACKEND_ModelSetState");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelReportMemoryUsage(
    TRITONBACKEND_Model *model,
    TRITONSERVER_BufferAttributes **usage,
    uint32_t usage_size)
{
  (void)model;
  (void)usage;
  (void)usage_size;
  return unsupported("TRITONBACKEND_ModelReportMemoryUsage");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceName(
    TRITONBACKEND_ModelInstance *instance,
    const char **name)
{
  (void)instance;
  (void)name;
  return unsupported("TRITONBACKEND_ModelInstanceName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceKind(
    TRITONBACKEND_ModelInstance *instance,
    TRITONSERVER_InstanceGroupKind *kind)
{
  (void)instance;
  (void)kind;
  return unsupported("TRITONBACKEND_ModelInstanceKind");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceDeviceId(
    TRITONBACKEND_ModelInstance *instance,
    int32_t *device_id)
{
  (void)instance;
  (void)device_id;
  return unsupported("TRITONBACKEND_ModelInstanceDeviceId");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceHostPolicy(
    TRITONBACKEND_ModelInstance *instance,
    TRITONSERVER_Message **host_policy)
{
  (void)instance;
  (void)host_policy;
  return unsupported("TRITONBACKEND_ModelInstanceHostPolicy");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceIsPassive(
    TRITONBACKEND_ModelInstance *instance,
    bool *is_passive)
{
  (void)instance;
  (void)is_passive;
  return unsupported("TRITONBACKEND_ModelInstanceIsPassive");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceProfileCount(
    TRITONBACKEND_ModelInstance *instance,
    uint32_t *count)
{
  (void)instance;
  (void)count;
  return unsupported("TRITONBACKEND_ModelInstanceProfileCount");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceProfileName(
    TRITONBACKEND_ModelInstance *instance,
    const uint32_t index,
    const char **profile_name)
{
  (void)instance;
  (void)index;
  (void)profile_name;
  return unsupported("TRITONBACKEND_ModelInstanceProfileName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceSecondaryDeviceCount(
    TRITONBACKEND_ModelInstance *instance,
    uint32_t *count)
{
  (void)instance;
  (void)count;
  return unsupported("TRITONBACKEND_ModelInstanceSecondaryDeviceCount");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceSecondaryDeviceProperties(
    TRITONBACKEND_ModelInstance *instance,
    uint32_t index,
    const char **kind,
    int64_t *id)
{
  (void)instance;
  (void)index;
  (void)kind;
  (void)id;
  return unsupported("TRITONBACKEND_ModelInstanceSecondaryDeviceProperties");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceModel(
    TRITONBACKEND_ModelInstance *instance,
    TRITONBACKEND_Model **model)
{
  (void)instance;
  (void)model;
  return unsupported("TRITONBACKEND_ModelInstanceModel");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceState(
    TRITONBACKEND_ModelInstance *instance,
    void **state)
{
  (void)instance;
  (void)state;
  return unsupported("TRITONBACKEND_ModelInstanceState");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceSetState(
    TRITONBACKEND_ModelInstance *instance,
    void *state)
{
  (void)instance;
  (void)state;
  return unsupported("TRITONBACKEND_ModelInstanceSetState");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportMemoryUsage(
    TRITONBACKEND_ModelInstance *instance,
    TRITONSERVER_BufferAttributes **usage,
    uint32_t usage_size)
{
  (void)instance;
  (void)usage;
  (void)usage_size;
  return unsupported("TRITONBACKEND_ModelInstanceReportMemoryUsage");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportStatistics(
    TRITONBACKEND_ModelInstance *instance,
    TRITONBACKEND_Request *request,
    const bool success,
    const uint64_t exec_start_ns,
    const uint64_t compute_start_ns,
    const uint64_t compute_end_ns,
    const uint64_t exec_end_ns)
{
  (void)instance;
  (void)request;
  (void)success;
  (void)exec_start_ns;
  (void)compute_start_ns;
  (void)compute_end_ns;
  (void)exec_end_ns;
  return unsupported("TRITONBACKEND_ModelInstanceReportStatistics");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsNew(
    TRITONBACKEND_ModelInstanceResponseStatistics **response_statistics)
{
  (void)response_statistics;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsNew");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsDelete(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics)
{
  (void)response_statistics;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsDelete");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetModelInstance(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics,
    TRITONBACKEND_ModelInstance *model_instance)
{
  (void)response_statistics;
  (void)model_instance;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsSetModelInstance");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseFactory(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics,
    TRITONBACKEND_ResponseFactory *response_factory)
{
  (void)response_statistics;
  (void)response_factory;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseFactory");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseStart(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics,
    uint64_t response_start)
{
  (void)response_statistics;
  (void)response_start;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseStart");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetComputeOutputStart(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics,
    uint64_t compute_output_start)
{
  (void)response_statistics;
  (void)compute_output_start;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsSetComputeOutputStart");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseEnd(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics,
    uint64_t response_end)
{
  (void)response_statistics;
  (void)response_end;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsSetResponseEnd");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceResponseStatisticsSetError(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics,
    TRITONSERVER_Error *error)
{
  (void)response_statistics;
  (void)error;
  return unsupported("TRITONBACKEND_ModelInstanceResponseStatisticsSetError");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportResponseStatistics(
    TRITONBACKEND_ModelInstanceResponseStatistics *response_statistics)
{
  (void)response_statistics;
  return unsupported("TRITONBACKEND_ModelInstanceReportResponseStatistics");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_ModelInstanceReportBatchStatistics(
    TRITONBACKEND_ModelInstance *instance,
    const uint64_t batch_size,
    const uint64_t exec_start_ns,
    const uint64_t compute_start_ns,
    const uint64_t compute_end_ns,
    const uint64_t exec_end_ns)
{
  (void)instance;
  (void)batch_size;
  (void)exec_start_ns;
  (void)compute_start_ns;
  (void)compute_end_ns;
  (void)exec_end_ns;
  return unsupported("TRITONBACKEND_ModelInstanceReportBatchStatistics");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup(
    TRITONBACKEND_BackendAttribute *backend_attributes,
    const TRITONSERVER_InstanceGroupKind kind,
    const uint64_t count,
    const uint64_t *device_ids,
    const uint64_t id_count)
{
  (void)backend_attributes;
  (void)kind;
  (void)count;
  (void)device_ids;
  (void)id_count;
  return unsupported("TRITONBACKEND_BackendAttributeAddPreferredInstanceGroup");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_BackendAttributeSetParallelModelInstanceLoading(
    TRITONBACKEND_BackendAttribute *backend_attributes,
    bool enabled)
{
  (void)backend_attributes;
  (void)enabled;
  return unsupported("TRITONBACKEND_BackendAttributeSetParallelModelInstanceLoading");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InferenceResponseOutputByName(
    TRITONBACKEND_Response *response,
    const char *name,
    TRITONSERVER_DataType *datatype,
    const int64_t **shape,
    uint64_t *dim_count)
{
  (void)response;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dim_count;
  return unsupported("TRITONBACKEND_InferenceResponseOutputByName");
}

WEAK TRITONSERVER_Error *TRITONBACKEND_InferenceResponseOutput(
    TRITONBACKEND_Response *response,
    const uint32_t index,
    const char **name,
    TRITONSERVER_DataType *datatype,
    const int64_t **shape,
    uint64_t *dim_count)
{
  (void)response;
  (void)index;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dim_count;
  return unsupported("TRITONBACKEND_InferenceResponseOutput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ApiVersion(uint32_t *major, uint32_t *minor)
{
  (void)major;
  (void)minor;
  return unsupported("TRITONSERVER_ApiVersion");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorNew(
    TRITONSERVER_ResponseAllocator **allocator,
    TRITONSERVER_ResponseAllocatorAllocFn_t alloc_fn,
    TRITONSERVER_ResponseAllocatorReleaseFn_t release_fn,
    TRITONSERVER_ResponseAllocatorStartFn_t start_fn)
{
  (void)allocator;
  (void)alloc_fn;
  (void)release_fn;
  (void)start_fn;
  return unsupported("TRITONSERVER_ResponseAllocatorNew");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorSetBufferAttributesFunction(
    TRITONSERVER_ResponseAllocator *allocator,
    TRITONSERVER_ResponseAllocatorBufferAttributesFn_t buffer_attributes_fn)
{
  (void)allocator;
  (void)buffer_attributes_fn;
  return unsupported("TRITONSERVER_ResponseAllocatorSetBufferAttributesFunction");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorSetQueryFunction(
    TRITONSERVER_ResponseAllocator *allocator,
    TRITONSERVER_ResponseAllocatorQueryFn_t query_fn)
{
  (void)allocator;
  (void)query_fn;
  return unsupported("TRITONSERVER_ResponseAllocatorSetQueryFunction");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ResponseAllocatorDelete(
    TRITONSERVER_ResponseAllocator *allocator)
{
  (void)allocator;
  return unsupported("TRITONSERVER_ResponseAllocatorDelete");
}

WEAK TRITONSERVER_Error *TRITONSERVER_MetricsDelete(TRITONSERVER_Metrics *metrics)
{
  (void)metrics;
  return unsupported("TRITONSERVER_MetricsDelete");
}

WEAK TRITONSERVER_Error *TRITONSERVER_MetricsFormatted(
    TRITONSERVER_Metrics *metrics,
    TRITONSERVER_MetricFormat format,
    const char **base,
    size_t *byte_size)
{
  (void)metrics;
  (void)format;
  (void)base;
  (void)byte_size;
  return unsupported("TRITONSERVER_MetricsFormatted");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceNew(
    TRITONSERVER_InferenceTrace **trace,
    TRITONSERVER_InferenceTraceLevel level,
    uint64_t parent_id,
    TRITONSERVER_InferenceTraceActivityFn_t activity_fn,
    TRITONSERVER_InferenceTraceReleaseFn_t release_fn,
    void *trace_userp)
{
  (void)trace;
  (void)level;
  (void)parent_id;
  (void)activity_fn;
  (void)release_fn;
  (void)trace_userp;
  return unsupported("TRITONSERVER_InferenceTraceNew");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceTensorNew(
    TRITONSERVER_InferenceTrace **trace,
    TRITONSERVER_InferenceTraceLevel level,
    uint64_t parent_id,
    TRITONSERVER_InferenceTraceActivityFn_t activity_fn,
    TRITONSERVER_InferenceTraceTensorActivityFn_t tensor_activity_fn,
    TRITONSERVER_InferenceTraceReleaseFn_t release_fn,
    void *trace_userp)
{
  (void)trace;
  (void)level;
  (void)parent_id;
  (void)activity_fn;
  (void)tensor_activity_fn;
  (void)release_fn;
  (void)trace_userp;
  return unsupported("TRITONSERVER_InferenceTraceTensorNew");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceReportActivity(
    TRITONSERVER_InferenceTrace *trace,
    uint64_t timestamp,
    const char *activity_name)
{
  (void)trace;
  (void)timestamp;
  (void)activity_name;
  return unsupported("TRITONSERVER_InferenceTraceReportActivity");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceDelete(TRITONSERVER_InferenceTrace *trace)
{
  (void)trace;
  return unsupported("TRITONSERVER_InferenceTraceDelete");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceId(
    TRITONSERVER_InferenceTrace *trace,
    uint64_t *id)
{
  (void)trace;
  (void)id;
  return unsupported("TRITONSERVER_InferenceTraceId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceParentId(
    TRITONSERVER_InferenceTrace *trace,
    uint64_t *parent_id)
{
  (void)trace;
  (void)parent_id;
  return unsupported("TRITONSERVER_InferenceTraceParentId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceModelName(
    TRITONSERVER_InferenceTrace *trace,
    const char **model_name)
{
  (void)trace;
  (void)model_name;
  return unsupported("TRITONSERVER_InferenceTraceModelName");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceModelVersion(
    TRITONSERVER_InferenceTrace *trace,
    int64_t *model_version)
{
  (void)trace;
  (void)model_version;
  return unsupported("TRITONSERVER_InferenceTraceModelVersion");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceRequestId(
    TRITONSERVER_InferenceTrace *trace,
    const char **request_id)
{
  (void)trace;
  (void)request_id;
  return unsupported("TRITONSERVER_InferenceTraceRequestId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceSpawnChildTrace(
    TRITONSERVER_InferenceTrace *trace,
    TRITONSERVER_InferenceTrace **child_trace)
{
  (void)trace;
  (void)child_trace;
  return unsupported("TRITONSERVER_InferenceTraceSpawnChildTrace");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceSetContext(
    TRITONSERVER_InferenceTrace *trace,
    const char *trace_context)
{
  (void)trace;
  (void)trace_context;
  return unsupported("TRITONSERVER_InferenceTraceSetContext");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceTraceContext(
    TRITONSERVER_InferenceTrace *trace,
    const char **trace_context)
{
  (void)trace;
  (void)trace_context;
  return unsupported("TRITONSERVER_InferenceTraceContext");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestNew(
    TRITONSERVER_InferenceRequest **inference_request,
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version)
{
  (void)inference_request;
  (void)server;
  (void)model_name;
  (void)model_version;
  return unsupported("TRITONSERVER_InferenceRequestNew");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestDelete(
    TRITONSERVER_InferenceRequest *inference_request)
{
  (void)inference_request;
  return unsupported("TRITONSERVER_InferenceRequestDelete");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestId(
    TRITONSERVER_InferenceRequest *inference_request,
    const char **id)
{
  (void)inference_request;
  (void)id;
  return unsupported("TRITONSERVER_InferenceRequestId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetId(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *id)
{
  (void)inference_request;
  (void)id;
  return unsupported("TRITONSERVER_InferenceRequestSetId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestFlags(
    TRITONSERVER_InferenceRequest *inference_request,
    uint32_t *flags)
{
  (void)inference_request;
  (void)flags;
  return unsupported("TRITONSERVER_InferenceRequestFlags");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetFlags(
    TRITONSERVER_InferenceRequest *inference_request,
    uint32_t flags)
{
  (void)inference_request;
  (void)flags;
  return unsupported("TRITONSERVER_InferenceRequestSetFlags");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestCorrelationId(
    TRITONSERVER_InferenceRequest *inference_request,
    uint64_t *correlation_id)
{
  (void)inference_request;
  (void)correlation_id;
  return unsupported("TRITONSERVER_InferenceRequestCorrelationId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestCorrelationIdString(
    TRITONSERVER_InferenceRequest *inference_request,
    const char **correlation_id)
{
  (void)inference_request;
  (void)correlation_id;
  return unsupported("TRITONSERVER_InferenceRequestCorrelationIdString");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetCorrelationId(
    TRITONSERVER_InferenceRequest *inference_request,
    uint64_t correlation_id)
{
  (void)inference_request;
  (void)correlation_id;
  return unsupported("TRITONSERVER_InferenceRequestSetCorrelationId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetCorrelationIdString(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *correlation_id)
{
  (void)inference_request;
  (void)correlation_id;
  return unsupported("TRITONSERVER_InferenceRequestSetCorrelationIdString");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestCancel(
    TRITONSERVER_InferenceRequest *inference_request)
{
  (void)inference_request;
  return unsupported("TRITONSERVER_InferenceRequestCancel");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestIsCancelled(
    TRITONSERVER_InferenceRequest *inference_request,
    bool *is_cancelled)
{
  (void)inference_request;
  (void)is_cancelled;
  return unsupported("TRITONSERVER_InferenceRequestIsCancelled");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestPriority(
    TRITONSERVER_InferenceRequest *inference_request,
    uint32_t *priority)
{
  (void)inference_request;
  (void)priority;
  return unsupported("TRITONSERVER_InferenceRequestPriority");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestPriorityUInt64(
    TRITONSERVER_InferenceRequest *inference_request,
    uint64_t *priority)
{
  (void)inference_request;
  (void)priority;
  return unsupported("TRITONSERVER_InferenceRequestPriorityUInt64");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetPriority(
    TRITONSERVER_InferenceRequest *inference_request,
    uint32_t priority)
{
  (void)inference_request;
  (void)priority;
  return unsupported("TRITONSERVER_InferenceRequestSetPriority");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetPriorityUInt64(
    TRITONSERVER_InferenceRequest *inference_request,
    uint64_t priority)
{
  (void)inference_request;
  (void)priority;
  return unsupported("TRITONSERVER_InferenceRequestSetPriorityUInt64");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestTimeoutMicroseconds(
    TRITONSERVER_InferenceRequest *inference_request,
    uint64_t *timeout_us)
{
  (void)inference_request;
  (void)timeout_us;
  return unsupported("TRITONSERVER_InferenceRequestTimeoutMicroseconds");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(
    TRITONSERVER_InferenceRequest *inference_request,
    uint64_t timeout_us)
{
  (void)inference_request;
  (void)timeout_us;
  return unsupported("TRITONSERVER_InferenceRequestSetTimeoutMicroseconds");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestAddInput(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name,
    const TRITONSERVER_DataType datatype,
    const int64_t *shape,
    uint64_t dim_count)
{
  (void)inference_request;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dim_count;
  return unsupported("TRITONSERVER_InferenceRequestAddInput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestAddRawInput(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name)
{
  (void)inference_request;
  (void)name;
  return unsupported("TRITONSERVER_InferenceRequestAddRawInput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveInput(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name)
{
  (void)inference_request;
  (void)name;
  return unsupported("TRITONSERVER_InferenceRequestRemoveInput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveAllInputs(
    TRITONSERVER_InferenceRequest *inference_request)
{
  (void)inference_request;
  return unsupported("TRITONSERVER_InferenceRequestRemoveAllInputs");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestAppendInputData(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name,
    const void *base,
    size_t byte_size,
    TRITONSERVER_MemoryType memory_type,
    int64_t memory_type_id)
{
  (void)inference_request;
  (void)name;
  (void)base;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  return unsupported("TRITONSERVER_InferenceRequestAppendInputData");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestAppendInputDataWithHostPolicy(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name,
    const void *base,
    size_t byte_size,
    TRITONSERVER_MemoryType memory_type,
    int64_t memory_type_id,
    const char *host_policy_name)
{
  (void)inference_request;
  (void)name;
  (void)base;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  (void)host_policy_name;
  return unsupported("TRITONSERVER_InferenceRequestAppendInputDataWithHostPolicy");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestAppendInputDataWithBufferAttributes(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name,
    const void *base,
    TRITONSERVER_BufferAttributes *buffer_attributes)
{
  (void)inference_request;
  (void)name;
  (void)base;
  (void)buffer_attributes;
  return unsupported("TRITONSERVER_InferenceRequestAppendInputDataWithBufferAttributes");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveAllInputData(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name)
{
  (void)inference_request;
  (void)name;
  return unsupported("TRITONSERVER_InferenceRequestRemoveAllInputData");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestAddRequestedOutput(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name)
{
  (void)inference_request;
  (void)name;
  return unsupported("TRITONSERVER_InferenceRequestAddRequestedOutput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveRequestedOutput(
    TRITONSERVER_InferenceRequest *inference_request,
    const char *name)
{
  (void)inference_request;
  (void)name;
  return unsupported("TRITONSERVER_InferenceRequestRemoveRequestedOutput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestRemoveAllRequestedOutputs(
    TRITONSERVER_InferenceRequest *inference_request)
{
  (void)inference_request;
  return unsupported("TRITONSERVER_InferenceRequestRemoveAllRequestedOutputs");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetReleaseCallback(
    TRITONSERVER_InferenceRequest *inference_request,
    TRITONSERVER_InferenceRequestReleaseFn_t request_release_fn,
    void *request_release_userp)
{
  (void)inference_request;
  (void)request_release_fn;
  (void)request_release_userp;
  return unsupported("TRITONSERVER_InferenceRequestSetReleaseCallback");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetResponseCallback(
    TRITONSERVER_InferenceRequest *inference_request,
    TRITONSERVER_ResponseAllocator *response_allocator,
    void *response_allocator_userp,
    TRITONSERVER_InferenceResponseCompleteFn_t response_fn,
    void *response_userp)
{
  (void)inference_request;
  (void)response_allocator;
  (void)response_allocator_userp;
  (void)response_fn;
  (void)response_userp;
  return unsupported("TRITONSERVER_InferenceRequestSetResponseCallback");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetStringParameter(
    TRITONSERVER_InferenceRequest *request,
    const char *key,
    const char *value)
{
  (void)request;
  (void)key;
  (void)value;
  return unsupported("TRITONSERVER_InferenceRequestSetStringParameter");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetIntParameter(
    TRITONSERVER_InferenceRequest *request,
    const char *key,
    const int64_t value)
{
  (void)request;
  (void)key;
  (void)value;
  return unsupported("TRITONSERVER_InferenceRequestSetIntParameter");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetBoolParameter(
    TRITONSERVER_InferenceRequest *request,
    const char *key,
    const bool value)
{
  (void)request;
  (void)key;
  (void)value;
  return unsupported("TRITONSERVER_InferenceRequestSetBoolParameter");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceRequestSetDoubleParameter(
    TRITONSERVER_InferenceRequest *request,
    const char *key,
    const double value)
{
  (void)request;
  (void)key;
  (void)value;
  return unsupported("TRITONSERVER_InferenceRequestSetDoubleParameter");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseDelete(
    TRITONSERVER_InferenceResponse *inference_response)
{
  (void)inference_response;
  return unsupported("TRITONSERVER_InferenceResponseDelete");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseError(
    TRITONSERVER_InferenceResponse *inference_response)
{
  (void)inference_response;
  return unsupported("TRITONSERVER_InferenceResponseError");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseModel(
    TRITONSERVER_InferenceResponse *inference_response,
    const char **model_name,
    int64_t *model_version)
{
  (void)inference_response;
  (void)model_name;
  (void)model_version;
  return unsupported("TRITONSERVER_InferenceResponseModel");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseId(
    TRITONSERVER_InferenceResponse *inference_response,
    const char **request_id)
{
  (void)inference_response;
  (void)request_id;
  return unsupported("TRITONSERVER_InferenceResponseId");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseParameterCount(
    TRITONSERVER_InferenceResponse *inference_response,
    uint32_t *count)
{
  (void)inference_response;
  (void)count;
  return unsupported("TRITONSERVER_InferenceResponseParameterCount");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseParameter(
    TRITONSERVER_InferenceResponse *inference_response,
    const uint32_t index,
    const char **name,
    TRITONSERVER_ParameterType *type,
    const void **vvalue)
{
  (void)inference_response;
  (void)index;
  (void)name;
  (void)type;
  (void)vvalue;
  return unsupported("TRITONSERVER_InferenceResponseParameter");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseOutputCount(
    TRITONSERVER_InferenceResponse *inference_response,
    uint32_t *count)
{
  (void)inference_response;
  (void)count;
  return unsupported("TRITONSERVER_InferenceResponseOutputCount");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseOutput(
    TRITONSERVER_InferenceResponse *inference_response,
    const uint32_t index,
    const char **name,
    TRITONSERVER_DataType *datatype,
    const int64_t **shape,
    uint64_t *dim_count,
    const void **base,
    size_t *byte_size,
    TRITONSERVER_MemoryType *memory_type,
    int64_t *memory_type_id,
    void **userp)
{
  (void)inference_response;
  (void)index;
  (void)name;
  (void)datatype;
  (void)shape;
  (void)dim_count;
  (void)base;
  (void)byte_size;
  (void)memory_type;
  (void)memory_type_id;
  (void)userp;
  return unsupported("TRITONSERVER_InferenceResponseOutput");
}

WEAK TRITONSERVER_Error *TRITONSERVER_InferenceResponseOutputClassificationLabel(
    TRITONSERVER_InferenceResponse *inference_response,
    const uint32_t index,
    const size_t class_index,
    const char **label)
{
  (void)inference_response;
  (void)index;
  (void)class_index;
  (void)label;
  return unsupported("TRITONSERVER_InferenceResponseOutputClassificationLabel");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerNew(
    TRITONSERVER_Server **server,
    TRITONSERVER_ServerOptions *options)
{
  (void)server;
  (void)options;
  return unsupported("TRITONSERVER_ServerNew");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerDelete(TRITONSERVER_Server *server)
{
  (void)server;
  return unsupported("TRITONSERVER_ServerDelete");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerStop(TRITONSERVER_Server *server)
{
  (void)server;
  return unsupported("TRITONSERVER_ServerStop");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerSetExitTimeout(
    TRITONSERVER_Server *server,
    unsigned int timeout)
{
  (void)server;
  (void)timeout;
  return unsupported("TRITONSERVER_ServerSetExitTimeout");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerRegisterModelRepository(
    TRITONSERVER_Server *server,
    const char *repository_path,
    const TRITONSERVER_Parameter **name_mapping,
    const uint32_t mapping_count)
{
  (void)server;
  (void)repository_path;
  (void)name_mapping;
  (void)mapping_count;
  return unsupported("TRITONSERVER_ServerRegisterModelRepository");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerUnregisterModelRepository(
    TRITONSERVER_Server *server,
    const char *repository_path)
{
  (void)server;
  (void)repository_path;
  return unsupported("TRITONSERVER_ServerUnregisterModelRepository");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerPollModelRepository(TRITONSERVER_Server *server)
{
  (void)server;
  return unsupported("TRITONSERVER_ServerPollModelRepository");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerIsLive(TRITONSERVER_Server *server, bool *live)
{
  (void)server;
  (void)live;
  return unsupported("TRITONSERVER_ServerIsLive");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerIsReady(TRITONSERVER_Server *server, bool *ready)
{
  (void)server;
  (void)ready;
  return unsupported("TRITONSERVER_ServerIsReady");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelIsReady(
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version,
    bool *ready)
{
  (void)server;
  (void)model_name;
  (void)model_version;
  (void)ready;
  return unsupported("TRITONSERVER_ServerModelIsReady");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelBatchProperties(
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version,
    uint32_t *flags,
    void **voidp)
{
  (void)server;
  (void)model_name;
  (void)model_version;
  (void)flags;
  (void)voidp;
  return unsupported("TRITONSERVER_ServerModelBatchProperties");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelTransactionProperties(
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version,
    uint32_t *txn_flags,
    void **voidp)
{
  (void)server;
  (void)model_name;
  (void)model_version;
  (void)txn_flags;
  (void)voidp;
  return unsupported("TRITONSERVER_ServerModelTransactionProperties");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerMetadata(
    TRITONSERVER_Server *server,
    TRITONSERVER_Message **server_metadata)
{
  (void)server;
  (void)server_metadata;
  return unsupported("TRITONSERVER_ServerMetadata");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelMetadata(
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version,
    TRITONSERVER_Message **model_metadata)
{
  (void)server;
  (void)model_name;
  (void)model_version;
  (void)model_metadata;
  return unsupported("TRITONSERVER_ServerModelMetadata");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelStatistics(
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version,
    TRITONSERVER_Message **model_stats)
{
  (void)server;
  (void)model_name;
  (void)model_version;
  (void)model_stats;
  return unsupported("TRITONSERVER_ServerModelStatistics");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelConfig(
    TRITONSERVER_Server *server,
    const char *model_name,
    const int64_t model_version,
    const uint32_t config_version,
    TRITONSERVER_Message **model_config)
{
  (void)server;
  (void)model_name;
  (void)model_version;
  (void)config_version;
  (void)model_config;
  return unsupported("TRITONSERVER_ServerModelConfig");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerModelIndex(
    TRITONSERVER_Server *server,
    uint32_t flags,
    TRITONSERVER_Message **model_index)
{
  (void)server;
  (void)flags;
  (void)model_index;
  return unsupported("TRITONSERVER_ServerModelIndex");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerLoadModel(
    TRITONSERVER_Server *server,
    const char *model_name)
{
  (void)server;
  (void)model_name;
  return unsupported("TRITONSERVER_ServerLoadModel");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerLoadModelWithParameters(
    TRITONSERVER_Server *server,
    const char *model_name,
    const TRITONSERVER_Parameter **parameters,
    const uint64_t parameter_count)
{
  (void)server;
  (void)model_name;
  (void)parameters;
  (void)parameter_count;
  return unsupported("TRITONSERVER_ServerLoadModelWithParameters");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerUnloadModel(
    TRITONSERVER_Server *server,
    const char *model_name)
{
  (void)server;
  (void)model_name;
  return unsupported("TRITONSERVER_ServerUnloadModel");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerUnloadModelAndDependents(
    TRITONSERVER_Server *server,
    const char *model_name)
{
  (void)server;
  (void)model_name;
  return unsupported("TRITONSERVER_ServerUnloadModelAndDependents");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerMetrics(
    TRITONSERVER_Server *server,
    TRITONSERVER_Metrics **metrics)
{
  (void)server;
  (void)metrics;
  return unsupported("TRITONSERVER_ServerMetrics");
}

WEAK TRITONSERVER_Error *TRITONSERVER_ServerInferAsync(
    TRITONSERVER_Server *server,
    TRITONSERVER_InferenceRequest *inference_request,
    TRITONSERVER_InferenceTrace *trace)
{
  (void)server;
  (void)inference_request;
  (void)trace;
  return unsupported("TRITONSERVER_ServerInferAsync");
}
